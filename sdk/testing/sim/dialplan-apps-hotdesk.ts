/**
 * The applications and functions acm's hot-desk dialplan (plugins/hotdesk) uses, as Asterisk 20
 * runs them: `Set(DB(family/key)=value)` and `${DB_DELETE(family/key)}` (funcs/func_db.c),
 * `Set(CHANNEL(accountcode)=…)` (funcs/func_channel.c), VMAuthenticate (apps/app_voicemail.c
 * vmauthenticate / vm_authenticate) and UserEvent (apps/app_userevent.c). What is not modelled
 * is in DIFFERENCES.md.
 */
import type { RunningCall } from './dialplan-runner.ts';
import type { AppOutcome } from './dialplan-apps.ts';
import { applicationArgs } from './app-args.ts';

const NEXT: AppOutcome = { kind: 'next' };
const FAIL: AppOutcome = { kind: 'end', end: 'hangup' };

/** family/key as func_db.c parses it (AST_NONSTANDARD_APP_ARGS on '/': the key is the rest); null without both. */
function dbKey(args: string): string | null {
  const slash = args.indexOf('/');
  if (slash <= 0 || slash === args.length - 1) return null; // "DB requires an argument, DB(<family>/<key>)"
  return args;
}

/** The AstDB of the server and the call's view of it (what `${DB(…)}` reads later in the call). */
export function dbWrite(call: RunningCall, key: string, value: string | undefined): void {
  const db = call.data.db ?? {};
  if (value === undefined) {
    delete db[key];
    call.state.db.delete(`/${key}`);
  } else {
    db[key] = value;
    call.state.db.set(`/${key}`, value);
  }
}

/**
 * `Set(F(args)=value)` for the functions the hot-desk dialplan writes; undefined for other
 * functions (the caller goes on). DB: a missing family or key is an error and no write (the
 * dialplan goes on, as Set does when a function write fails). CHANNEL(accountcode) changes the
 * channel's account code (the CDR's): the call's result carries it.
 */
export function setFunction(call: RunningCall, fname: string, fargs: string, value: string): AppOutcome | undefined {
  switch (fname.toUpperCase()) {
    case 'DB': {
      const key = dbKey(fargs.trim());
      if (key) dbWrite(call, key, value);
      return NEXT;
    }
    case 'CHANNEL':
      if (fargs.trim().toLowerCase() !== 'accountcode') throw new Error(`Set(CHANNEL(${fargs})=…) has no model in dialplan-apps-hotdesk.ts`);
      call.result.accountCode = value;
      return NEXT;
    default:
      return undefined;
  }
}

/** `${DB_DELETE(family/key)}`: the value, and the key gone; a missing key gives '' (and a warning in Asterisk). */
export function dbDelete(db: Record<string, string> | undefined, args: string, write?: (key: string) => void): string {
  const key = dbKey(args.trim());
  if (!key || !db || !(key in db)) return '';
  const v = db[key]!;
  delete db[key];
  write?.(key);
  return v;
}

/**
 * VMAuthenticate(mailbox@context[,s]): at most 3 tries, each playing vm-password (not with `s`)
 * and reading one DTMF answer (the caller's `digits`, `#` ended); a wrong one plays vm-incorrect.
 * Right: AUTH_MAILBOX and AUTH_CONTEXT set, auth-thankyou played, the dialplan goes on. Three
 * wrong (or no answer): vm-goodbye and the channel hangs up (the application returns -1). A
 * mailbox that voicemail.conf lacks never matches.
 */
export function vmAuthenticate(call: RunningCall, data: string): AppOutcome {
  const [box = '', options = ''] = applicationArgs('VMAuthenticate', data);
  const at = box.indexOf('@');
  const mailbox = at >= 0 ? box.slice(0, at) : box;
  const context = at >= 0 ? box.slice(at + 1) : '';
  if (!mailbox) throw new Error('VMAuthenticate without a mailbox (it asks for one) has no model in dialplan-apps-hotdesk.ts');
  const silent = options.includes('s');
  const users = call.state.modules.voicemail.users;
  const user = users.find((u) => u.mailbox === mailbox && (context ? u.context === context : true));
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!silent || attempt > 0) call.played.push('vm-password');
    const typed = call.takeDigits();
    if (typed === undefined || typed === '') break; // a timeout ends the log-in
    if (user && typed.replace(/#$/, '') === user.password) {
      call.data.vars.AUTH_MAILBOX = mailbox;
      call.data.vars.AUTH_CONTEXT = user.context;
      call.played.push('auth-thankyou');
      return NEXT;
    }
    call.played.push('vm-incorrect');
  }
  if (!silent) call.played.push('vm-goodbye');
  return FAIL;
}

/** UserEvent(name[,Header: value,…]): the AMI event UserEvent with the channel's fields and each header. */
export function userEvent(call: RunningCall, data: string): AppOutcome {
  const [name = '', ...headers] = applicationArgs('UserEvent', data);
  if (!name) return FAIL; // "UserEvent requires an argument (eventname,optional event body)"
  const fields: [string, string][] = [...call.state.channelFields(call.chan), ['UserEvent', name]];
  for (const h of headers) {
    const colon = h.indexOf(':');
    if (colon > 0) fields.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
  }
  call.state.emitAmi('UserEvent', 'user', fields);
  return NEXT;
}
