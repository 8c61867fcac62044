import type { TestClient } from '../../../sdk/testing/kernel.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';

export const until = waitUntil;

export async function create(c: TestClient, path: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await c.json('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}


/** AMI events of a recording (CRLF frames) as header lists, to replay with `sim.emit`. */
export function amiEvents(text: string): { event: string; headers: [string, string][]; privilege: string }[] {
  return text.split(/\r\n\r\n/).filter((b) => b.startsWith('Event: ')).map((b) => {
    const lines = b.split('\r\n').map((l) => { const i = l.indexOf(': '); return [l.slice(0, i), l.slice(i + 2)] as [string, string]; });
    const event = lines[0]![1];
    const privilege = (lines.find(([k]) => k === 'Privilege')?.[1] ?? 'call,all').split(',')[0]!;
    return { event, privilege, headers: lines.filter(([k]) => k !== 'Event' && k !== 'Privilege' && k !== 'SystemName') };
  });
}
