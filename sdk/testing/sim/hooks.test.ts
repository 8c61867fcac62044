import { afterAll, beforeAll, expect, it } from 'vitest';
import { AmiClient } from '../../../core/asterisk/ami-client.ts';
import { SimulatedAsterisk, type SimActionRequest } from './index.ts';

let sim: SimulatedAsterisk;
const clients: AmiClient[] = [];
const connect = async () => {
  const c = new AmiClient({ host: '127.0.0.1', port: sim.ports.ami, username: 'acmtest', secret: 'acmtest-Secret1', keepAliveMs: 0, actionTimeoutMs: 2000, reconnect: { enabled: false } });
  clients.push(c);
  await c.connect();
  return c;
};
beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ sshPort: -1, authFailDelayMs: 20 });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await sim.stop();
});

it('onAction answers an action the simulator does not know, sees its headers, and is undone', async () => {
  const seen: SimActionRequest[] = [];
  const undo = sim.onAction('ConfbridgeMute', (req) => { seen.push(req); return { message: 'User muted', fields: { Extra: 'x' } }; });
  const c = await connect();
  const res = await c.action('ConfbridgeMute', { Conference: '8600', Channel: 'PJSIP/6101-00000001' });
  expect(res.get('Response')).toBe('Success');
  expect(res.get('Message')).toBe('User muted');
  expect(res.get('Extra')).toBe('x');
  expect(seen.map((r) => [r.action, r.get('conference'), r.get('Channel')])).toEqual([['ConfbridgeMute', '8600', 'PJSIP/6101-00000001']]);
  undo();
  await expect(c.action('ConfbridgeMute', { Conference: '8600', Channel: 'x' })).rejects.toThrow(/Invalid\/unknown command: ConfbridgeMute/);
});

it('a handler may answer Error, or fail (an Error answer naming the simulator), and outlives restart()', async () => {
  sim.onAction('ConfbridgeKick', (req) => (req.get('Channel') === 'all' ? { response: 'Error', message: 'No Conference by that name found.' } : undefined));
  sim.onAction('ConfbridgeLock', () => { throw new Error('boom'); });
  await sim.restart();
  const c = await connect();
  await expect(c.action('ConfbridgeKick', { Conference: '1', Channel: 'all' })).rejects.toThrow(/No Conference by that name found/);
  expect((await c.action('ConfbridgeKick', { Conference: '1', Channel: 'PJSIP/a-1' })).get('Response')).toBe('Success');
  await expect(c.action('ConfbridgeLock', { Conference: '1' })).rejects.toThrow(/Internal simulator error: boom/);
});

it('onExec answers an SSH command the simulator does not know, also after a restart, and is undone', async () => {
  const { SshTransport } = await import('../../../core/asterisk/ssh-transport.ts');
  const node = new SimulatedAsterisk();
  await node.start({ sshPort: 0, authFailDelayMs: 20 });
  const run = async (cmd: string) => {
    const t = new SshTransport({ host: '127.0.0.1', port: node.ports.ssh, username: 'asterisk', password: 'asterisk-Secret1', hostKeySha256: node.hostKeySha256 });
    await t.connect();
    try { return await t.exec(cmd); } finally { await t.close(); }
  };
  try {
    let reloads = 0;
    const undo = node.onExec('systemctl reload-or-restart keepalived', () => ({ code: reloads++ ? 1 : 0, stderr: reloads > 1 ? 'Job failed\n' : '' }));
    expect(await run('systemctl reload-or-restart keepalived')).toMatchObject({ code: 0, stderr: '' });
    await node.restart();
    expect(await run('  systemctl reload-or-restart keepalived ')).toMatchObject({ code: 1, stderr: 'Job failed\n' });
    expect(reloads).toBe(2);
    undo();
    expect(await run('systemctl reload-or-restart keepalived')).toMatchObject({ code: 127, stderr: 'sh: 1: systemctl: not found\n' });
  } finally {
    await node.stop();
  }
});
