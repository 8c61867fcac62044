import { waitUntil } from '../../../sdk/testing/wait.ts';

export const until = waitUntil;


/** AMI events of a recording (CRLF frames) as header lists, to replay with `sim.emit`. */
export function amiEvents(text: string): { event: string; headers: [string, string][]; privilege: string }[] {
  return text.split(/\r\n\r\n/).filter((b) => b.startsWith('Event: ')).map((b) => {
    const lines = b.split('\r\n').map((l) => { const i = l.indexOf(': '); return [l.slice(0, i), l.slice(i + 2)] as [string, string]; });
    const event = lines[0]![1];
    const privilege = (lines.find(([k]) => k === 'Privilege')?.[1] ?? 'call,all').split(',')[0]!;
    return { event, privilege, headers: lines.filter(([k]) => k !== 'Event' && k !== 'Privilege' && k !== 'SystemName') };
  });
}
