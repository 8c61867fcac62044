/** The wall-clock date and HH:MM of `now` in a timezone (Intl; an unknown zone is UTC). */
export function localTime(now: Date, timeZone: string): { date: string; hm: string } {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  const p = Object.fromEntries(f.formatToParts(now).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}` };
}

/**
 * Whether the automatic log-out is due: the site's local time has reached `at` (HH:MM) today and
 * the log-out of today has not run (`lastRun` is the local date it last ran). Answers the local
 * date to remember, or null. A job that was down at `at` logs out at its next run that day.
 */
export function autoLogoutDue(now: Date, at: string, timeZone: string, lastRun: string | undefined): string | null {
  const t = localTime(now, timeZone);
  if (t.hm < at || lastRun === t.date) return null;
  return t.date;
}
