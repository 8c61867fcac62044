import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestKernel } from '../../../sdk/testing/kernel.ts';
import { inboundKernel } from './harness.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';

/**
 * IVR and announcement prompts that are uploaded recordings (the recordings plugin, through its
 * api/): named by their sound name `acm/t<tenant>/<name>`, accepted only once the tenant's
 * recording has audio, never another tenant's; the commit puts the WAV where Background looks;
 * a queue's periodic announcement likewise; a recording deleted since is a commit error naming
 * the menu and the queue.
 */

const I = '/api/plugins/inbound';
const R = '/api/plugins/recordings';
const work = mkdtempSync(join(tmpdir(), 'acm-inbound-prompts-'));
let k: TestKernel;
let sim: SimulatedAsterisk;
let cluster: Record<string, any>;
let recording: Record<string, any>;

beforeAll(async () => {
  ({ k, cluster, sim } = await inboundKernel(['queues', 'recordings', 'inbound']));
  recording = await k.admin.create(`${R}/recordings`, { name: 'welcome', description: 'Front desk greeting' });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('uploaded recordings as prompts', () => {
  const menu = (prompt: string) => ({ clusterId: cluster.id, name: 'main', prompt, options: [] });

  it('refuses a recording without audio, a name under acm/ that is no recording, and another tenant\'s', async () => {
    for (const [prompt, message] of [
      ['acm/t1/welcome', 'no recording "welcome" with uploaded audio in this tenant'],
      ['acm/welcome', 'a prompt under acm/ is an uploaded recording: acm/t<tenant id>/<recording name>'],
      ['acm/t2/welcome', 'acm/t2/welcome is a recording of another tenant'],
    ]) {
      const res = await k.admin.json('POST', `${I}/ivrs`, menu(prompt!));
      expect([res.status, res.body.problems], prompt).toEqual([422, [{ field: 'prompt', message }]]);
    }
    const ann = await k.admin.json('POST', `${I}/announcements`, { clusterId: cluster.id, name: 'closed', prompt: 'acm/t1/welcome' });
    expect([ann.status, ann.body.problems]).toEqual([422, [{ field: 'prompt', message: 'no recording "welcome" with uploaded audio in this tenant' }]]);
    const queue = await k.admin.json('POST', '/api/plugins/queues/queues', { clusterId: cluster.id, name: 'support', number: '602', periodicAnnounce: 'acm/t1/welcome' });
    expect([queue.status, queue.body.problems]).toEqual([422, [{ field: 'periodicAnnounce', message: 'no recording "welcome" with uploaded audio in this tenant' }]]);
  });

  it('takes the uploaded recording: the commit puts the WAV where Background finds acm/t1/welcome', async () => {
    const file = join(work, 'greeting.wav');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '2', file, 'synth', '0.4', 'sine', '440']);
    const up = await k.admin.fetch(`${R}/recordings/${recording.id}/audio`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(readFileSync(file)) });
    expect(up.status).toBe(200);
    const ivr = await k.admin.create(`${I}/ivrs`, menu('acm/t1/welcome'));
    await k.admin.create('/api/plugins/queues/queues', { clusterId: cluster.id, name: 'support', number: '602', periodicAnnounceFrequency: 30, periodicAnnounce: 'acm/t1/welcome' });
    expect((await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).status).toBe(200);
    const converted = Buffer.from(await (await k.admin.fetch(`${R}/recordings/${recording.id}/audio`)).arrayBuffer());
    expect(readFileSync(join(sim.fsRoot, '/var/lib/asterisk/sounds/acm/t1/welcome.wav')).equals(converted)).toBe(true);
    const t = sim.call({ context: 'ivr-main', exten: 's', digits: [''] });
    t.hangup();
    expect(t.steps.find((s) => s.app === 'Background')?.args).toEqual(['acm/t1/welcome']);
    expect(ivr.prompt).toBe('acm/t1/welcome');
    expect(readFileSync(join(sim.configRoot, 'acm/queues.acm.conf'), 'utf8')).toContain('periodic-announce-frequency = 30\nperiodic-announce = acm/t1/welcome\n');
  });

  it('refuses a commit once the recording is deleted, naming the menu', async () => {
    expect((await k.admin.fetch(`${R}/recordings/${recording.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([
      { field: 'lon: IVR main (prompt)', message: 'no recording "welcome" with uploaded audio in this tenant (inbound.destinations)' },
      { field: 'lon: queue support (periodicAnnounce)', message: 'no recording "welcome" with uploaded audio in this tenant (queues.announcements)' },
    ]);
  });
});
