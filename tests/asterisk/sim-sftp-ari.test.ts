import http from 'node:http';
import net from 'node:net';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient } from '../../core/asterisk/ami-client.ts';
import { AriClient } from '../../core/asterisk/ari-client.ts';
import { HostKeyMismatchError, SshError } from '../../core/asterisk/errors.ts';
import { SshTransport } from '../../core/asterisk/ssh-transport.ts';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { CallGenerator } from '../../sdk/testing/sim/call-generator.ts';
import { PbxState } from '../../sdk/testing/sim/state.ts';
import { fixture } from './helpers.ts';

let sim: SimulatedAsterisk;
let ami: AmiClient;

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ authFailDelayMs: 50, sipPort: 0 });
  ami = new AmiClient({ host: '127.0.0.1', port: sim.ports.ami, username: 'acmtest', secret: 'acmtest-Secret1', keepAliveMs: 0, actionTimeoutMs: 2000 });
  await ami.connect();
});

afterAll(async () => {
  await ami.close();
  await sim.stop();
});

function ssh(o: Partial<ConstructorParameters<typeof SshTransport>[0]> = {}): SshTransport {
  return new SshTransport({ host: '127.0.0.1', port: sim.ports.ssh, username: 'asterisk', password: 'asterisk-Secret1', hostKeySha256: sim.hostKeySha256, readyTimeoutMs: 3000, ...o });
}

const endpointsViaAmi = async () => (await ami.listAction('PJSIPShowEndpoints', {}, { emptyOnError: ['No endpoints found'] })).items.map((e) => e.get('ObjectName'));

describe('SFTP transport + reload semantics', () => {
  it('host key pinning: mismatch -> HostKeyMismatchError naming both keys; no pin -> refused; wrong password -> SshError', async () => {
    const offered = `SHA256:${sim.hostKeySha256!.replace(/=+$/, '')}`;
    const mismatch = await ssh({ label: 'ast1', hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).connect().catch((e: Error) => e);
    expect(mismatch).toBeInstanceOf(HostKeyMismatchError);
    expect((mismatch as Error).message).toBe(`host key of ast1 changed: pinned SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, offered ${offered}`);
    const unpinned = await ssh({ hostKeySha256: undefined }).connect().catch((e: Error) => e);
    expect(unpinned).toBeInstanceOf(SshError);
    expect((unpinned as Error).message).toContain(`no host key pinned (offered ${offered})`);
    await expect(ssh({ password: 'nope' }).connect()).rejects.toBeInstanceOf(SshError);
  });

  it('atomic write (temp + verify + rename), read back, exists, mkdirp, exec', async () => {
    const t = ssh();
    await t.connect();
    try {
      expect(t.seenHostKey).toBe(`SHA256:${sim.hostKeySha256!.replace(/=+$/, '')}`);
      await t.mkdirp('/etc/asterisk/acm/sub');
      const r = await t.writeFileAtomic('/etc/asterisk/acm/sub/x.conf', 'hello\n');
      expect(r.bytes).toBe(6);
      expect((await t.readFile('/etc/asterisk/acm/sub/x.conf')).toString()).toBe('hello\n');
      await t.writeFileAtomic('/etc/asterisk/acm/sub/x.conf', 'second\n'); // replaces an existing file
      expect(sim.readConfig('acm/sub/x.conf')).toBe('second\n');
      expect(t.lastRenameAtomic).toBe(false); // the simulator does not offer posix-rename
      expect(await t.exists('/etc/asterisk/acm/sub/x.conf')).toBe(true);
      expect(await t.exists('/etc/asterisk/nope.conf')).toBe(false);
      const ls = await t.exec("asterisk -rx 'core show version'");
      expect(ls.code).toBe(0);
      expect(ls.stdout).toContain('Asterisk 20.20.1');
      expect((await t.exec('rm -rf /')).code).toBe(127);
      await t.unlink('/etc/asterisk/acm/sub/x.conf');
      expect(await t.exists('/etc/asterisk/acm/sub/x.conf')).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('a failed write leaves the old file and no temp file', async () => {
    const t = ssh();
    await t.connect();
    try {
      sim.writeConfig('keep.conf', 'old\n');
      sim.sftp!.failWrites = 1;
      await expect(t.writeFileAtomic('/etc/asterisk/keep.conf', 'new\n')).rejects.toThrow();
      expect(sim.readConfig('keep.conf')).toBe('old\n');
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(sim.configRoot).filter((f) => f.includes('acm-tmp'))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('push bad pjsip -> old endpoints kept; empty -> all gone; newline injection -> new endpoint', async () => {
    const t = ssh();
    await t.connect();
    try {
      const good = fixture('conf-pjsip.conf');
      await t.writeFileAtomic('/etc/asterisk/pjsip.conf', good);
      await ami.reload('res_pjsip.so');
      expect(await endpointsViaAmi()).toEqual(['6101', '6102', '6103']);

      // unclosed section + a new endpoint: whole file rejected, reload still "succeeds"
      await t.writeFileAtomic('/etc/asterisk/pjsip.conf', `${good}\n[6105\ntype = endpoint\n`);
      expect(await ami.reload('res_pjsip.so')).toBe('Module Reloaded');
      expect(await endpointsViaAmi()).toEqual(['6101', '6102', '6103']);

      // pushed-but-not-reloaded config does not take effect
      await t.writeFileAtomic('/etc/asterisk/pjsip.conf', '');
      expect(await endpointsViaAmi()).toEqual(['6101', '6102', '6103']);
      expect(await ami.reload('res_pjsip.so')).toBe('Module Reloaded');
      expect(await endpointsViaAmi()).toEqual([]);

      const injected = good.replace('[6101]\ntype = endpoint\n', '[6101]\ntype = endpoint\ncallerid = Alice <6101>\n[evil]\ntype = endpoint\ncontext = evil-ctx\n');
      await t.writeFileAtomic('/etc/asterisk/pjsip.conf', injected);
      await ami.reload('res_pjsip.so');
      expect(await endpointsViaAmi()).toEqual(['6101', '6102', '6103', 'evil']);
      expect(sim.state.pjsip.get('endpoint', 'evil')?.options.aors).toBe('6101');
    } finally {
      await t.writeFileAtomic('/etc/asterisk/pjsip.conf', fixture('conf-pjsip.conf'));
      await ami.reload('res_pjsip.so');
      await t.close();
    }
  });

  it('dialplan: missing #include -> Reload pbx_config.so errors, old dialplan kept', async () => {
    sim.writeConfig('extensions.conf', `#include "nope.conf"\n${fixture('conf-extensions.conf')}exten => 6199,1,NoOp(marker)\n`);
    await expect(ami.reload('pbx_config.so')).rejects.toThrow(/An unknown error occurred/);
    expect(sim.state.dialplan.contexts.get('from-internal')?.extensions.has('6199')).toBe(false);
    expect(await ami.command('dialplan reload')).toEqual(['Dialplan reloaded.']);
    sim.writeConfig('extensions.conf', fixture('conf-extensions.conf'));
    await ami.reload('pbx_config.so');
  });
});

function get(path: string, auth?: string): Promise<{ status: number; headers: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: sim.ports.ari, path, headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ARI', () => {
  const auth = 'acmari:acmari-Secret1';

  it('401/404 bodies and headers as recorded; api_key accepted', async () => {
    const r = await get('/ari/asterisk/info', 'acmari:wrong');
    expect(r.status).toBe(401);
    expect(r.body).toBe(fixture('ari-401-wrong-password.json'));
    expect(r.headers).toContain('WWW-Authenticate');
    expect(r.headers).toContain('Basic realm="Asterisk REST Interface"');
    expect(r.headers).toContain('Content-type');
    expect((await get('/ari/channels/nope', auth)).body).toBe(fixture('ari-404-unknown-channel.json'));
    expect((await get('/ari/endpoints/PJSIP/9999', auth)).body).toBe(fixture('ari-404-unknown-endpoint.json'));
    expect((await get('/ari/nosuch', auth)).body).toBe(fixture('ari-404-unknown-resource.json'));
    expect((await get('/ari/endpoints', auth)).body).toBe(fixture('ari-endpoints.json'));
    expect((await get('/ari/endpoints/PJSIP/6101', auth)).body).toBe(fixture('ari-endpoint-PJSIP-6101.json'));
    expect((await get('/ari/applications?api_key=acmari:acmari-Secret1')).body).toBe('[]');
  });

  it('WebSocket without app= gets 400 (twice, as recorded)', async () => {
    const s = net.connect({ host: '127.0.0.1', port: sim.ports.ari });
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    s.write(fixture('ari-ws-handshake-no-app.request.txt'));
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    s.destroy();
    expect(data.match(/HTTP\/1\.1 400 Bad Request/g)).toHaveLength(2);
    expect(data).toContain('HTTP request is missing param: [app]');
  });

  it('ari-client connects, lists endpoints, app appears only while connected, gets StasisStart', async () => {
    const c = new AriClient({ url: `http://127.0.0.1:${sim.ports.ari}`, username: 'acmari', password: 'acmari-Secret1', app: 'acm-test', reconnect: { enabled: false } });
    await c.connect();
    try {
      const eps = await c.listEndpoints();
      expect(eps.map((e) => e.resource)).toEqual(['6101', '6102', '6103']);
      expect((await c.asteriskInfo()).config?.name).toBe('acm-ast20');
      expect((await c.listApplications()).map((a) => a.name)).toEqual(['acm-test']);
      expect(await c.listBridges()).toEqual([]);
      const got = new Promise<Record<string, unknown>>((r) => c.events.once('event', r));
      const id = sim.stasisStart('acm-test');
      const ev = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no StasisStart')), 2000))]);
      expect(ev.type).toBe('StasisStart');
      expect((await c.listChannels()).map((x) => x.id)).toContain(id);
      expect(id).toMatch(/^acm-ast20-\d+\.\d+$/);
    } finally {
      await c.close();
    }
    const t0 = Date.now();
    while ((await get('/ari/applications', auth)).body !== '[]' && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
    expect((await get('/ari/applications', auth)).body).toBe('[]');
  });
});

describe('SIP OPTIONS and call generator', () => {
  it('answers OPTIONS with 200 OK, copying headers and adding a To tag', async () => {
    const s = dgram.createSocket('udp4');
    const got = new Promise<string>((r) => s.once('message', (m) => r(m.toString())));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const req = ['OPTIONS sip:acm@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1', 'From: <sip:probe@127.0.0.1>;tag=abc', 'To: <sip:acm@127.0.0.1>', 'Call-ID: c1@127.0.0.1', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n');
    s.send(req, sim.ports.sip, '127.0.0.1');
    const res = await Promise.race([got, new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no SIP answer')), 2000))]);
    s.close();
    expect(res.startsWith('SIP/2.0 200 OK\r\n')).toBe(true);
    expect(res).toContain('Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1');
    expect(res).toMatch(/To: <sip:acm@127\.0\.0\.1>;tag=\w+/);
    expect(res).toContain('CSeq: 1 OPTIONS');
  });

  it('is deterministic per seed and leaves no channels after stop', () => {
    const run = (seed: number) => {
      const st = new PbxState('acm-ast20', sim.configRoot);
      st.loadAll();
      const names: string[] = [];
      st.on('ami', (e: { name: string; fields: Array<[string, string]> }) => names.push(`${e.name}:${e.fields.find(([k]) => k === 'Channel' || k === 'URI' || k === 'Agent')?.[1]?.replace(/-[0-9a-f]{8}(;\d)?$/, '') ?? ''}`));
      const g = new CallGenerator(st, { seed });
      for (let i = 0; i < 200; i++) g.step();
      g.stop();
      return { names, channels: st.channels.size, stats: g.stats };
    };
    const a = run(42);
    const b = run(42);
    const c = run(7);
    expect(a.names).toEqual(b.names);
    expect(a.names).not.toEqual(c.names);
    expect(a.channels).toBe(0);
    for (const k of ['Newchannel', 'DialBegin', 'DialEnd', 'Hangup', 'Cdr', 'QueueMemberStatus', 'AgentLogin', 'ContactStatus']) expect(a.names.some((n) => n.startsWith(`${k}:`)), k).toBe(true);
  });

  it('generator events reach an AMI client; start/stop bounded', async () => {
    const before = sim.state.channels.size;
    const seen = new Set<string>();
    ami.events.on('event', (m) => seen.add(m.get('Event') ?? ''));
    const g = sim.startCallGenerator({ seed: 1, stepMs: 5, maxSteps: 40 });
    const t0 = Date.now();
    while (g.steps < 40 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    g.stop();
    await ami.ping();
    expect(seen.has('Newchannel')).toBe(true);
    expect(seen.has('Hangup')).toBe(true);
    expect(sim.state.channels.size).toBe(before);
  });
});
