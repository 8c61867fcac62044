import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from './index.ts';

/**
 * Two simulated servers on one network (a 127.0.0.11, b 127.0.0.12) with hand-written
 * iax.conf/dundi.conf and keys, as real Asterisk 20 runs them (tests/fixtures/asterisk20/oracle-roaming.txt).
 */
const pair = () => generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ka = pair();
const kb = pair();
const stranger = pair();

const iax = (peer: string, host: string, self: string, inkeys: string, outkey: string) =>
  `[${peer}]\ntype = friend\nhost = ${host}\nusername = ${self}\nauth = rsa\ninkeys = ${inkeys}\noutkey = ${outkey}\ncontext = from-site\n`;
const dundi = (eid: string, peerEid: string, host: string, inkey: string, outkey: string, self: string) =>
  `[general]\nentityid = ${eid}\nport = 4520\n\n[mappings]\npriv => pub,10,IAX2,${self}/\${NUMBER},nopartial\n\n[general]\nentityid = 00:00:00:00:00:99\n\n[mappings]\npriv => pub,99,IAX2,wrong/\${NUMBER}\n\n[${peerEid}]\nmodel = symmetric\nhost = ${host}\ninkey = ${inkey}\noutkey = ${outkey}\ninclude = priv\npermit = priv\n`;
const dialplan = (own: string) => `[general]
[pub]
exten => ${own},1,NoOp()
exten => 5200,1,NoOp()
[from-site]
exten => ${own},1,Set(ACM_ROAMED=1)
 same => n,Dial(PJSIP/phone,20)
exten => 5200,1,Dial(PJSIP/phone,20)
[direct]
exten => _X.,1,Dial(IAX2/b/\${EXTEN},20)
[internal]
exten => _X.,1,Gosub(lookup,s,1(\${EXTEN},x))
 same => n,Set(AFTER=\${ARG1}|\${GOSUB_RETVAL})
 same => n,Hangup()
[lookup]
exten => s,1,Set(Q=\${DUNDIQUERY(\${ARG1},priv)})
 same => n,Set(N=\${DUNDIRESULT(\${Q},getnum)})
 same => n,GosubIf($[\${N} > 0]?first(\${DUNDIRESULT(\${Q},1)}))
 same => n,Return(done \${ARGC})
 same => n(first),Set(FIRST=\${ARG1:0:5})
 same => n,Dial(\${ARG1},20)
 same => n,Return()
`;
const PHONE = '[phone]\ntype = endpoint\ncontext = internal\naors = phone\n\n[phone]\ntype = aor\nmax_contacts = 1\n';

function writeKeys(sim: SimulatedAsterisk, files: Record<string, string>, mode = 0o600) {
  const dir = path.join(sim.fsRoot, 'var/lib/asterisk/keys');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    fs.chmodSync(path.join(dir, name), name.endsWith('.key') ? mode : 0o644);
  }
}

let a: SimulatedAsterisk;
let b: SimulatedAsterisk;
const lines = (s: SimulatedAsterisk, cmd: string) => (s.cli(cmd) ?? ['(no such command)']).join('\n');

beforeAll(async () => {
  const files = (peer: string, host: string, self: string, eid: string, peerEid: string, inkey: string, outkey: string, own: string) => ({
    'iax.conf': iax(peer, host, self, inkey, outkey), 'dundi.conf': dundi(eid, peerEid, host, inkey, outkey, self),
    'extensions.conf': dialplan(own), 'pjsip.conf': PHONE,
  });
  a = new SimulatedAsterisk();
  b = new SimulatedAsterisk();
  await a.start({ addresses: ['127.0.0.11'], registrations: { phone: 'sip:phone@127.0.0.1:5071' }, configFiles: files('b', '127.0.0.12', 'a', '02:00:00:00:00:0a', '02:00:00:00:00:0b', 'kb', 'ka', '6101') });
  await b.start({ addresses: ['127.0.0.12'], registrations: { phone: 'sip:phone@127.0.0.1:5071' }, configFiles: files('a', '127.0.0.11', 'b', '02:00:00:00:00:0b', '02:00:00:00:00:0a', 'ka', 'kb', '6102') });
  writeKeys(a, { 'ka.key': ka.privateKey, 'ka.pub': ka.publicKey, 'kb.pub': kb.publicKey });
  writeKeys(b, { 'kb.key': kb.privateKey, 'kb.pub': kb.publicKey, 'ka.pub': ka.publicKey });
  for (const s of [a, b]) expect(lines(s, 'module reload res_crypto.so')).toBe("Module 'res_crypto.so' reloaded successfully.");
});
afterAll(async () => { await a?.stop(); await b?.stop(); });

describe('simulated IAX2, DUNDi and res_crypto', () => {
  it('keys: loaded as the recording shows, Sum the MD5 of the file; a private key others may read is dropped', () => {
    expect(lines(a, 'keys show')).toMatch(/^ka {17}PRIVATE {2}\[Loaded\] {9}[0-9a-f]{32} $/m);
    writeKeys(a, { 'ka.key': ka.privateKey, 'junk.pub': 'garbage\n' }, 0o644);
    a.cli('module reload res_crypto.so');
    expect(lines(a, 'keys show')).not.toMatch(/PRIVATE/);
    expect(a.state.log).toEqual(expect.arrayContaining([expect.stringMatching(/^ERROR res_crypto\.c: Private key file has bad permissions: .*ka\.key: 0644$/), "WARNING res_crypto.c: Key load PUBLIC 'junk' failed"]));
    fs.rmSync(path.join(a.fsRoot, 'var/lib/asterisk/keys/junk.pub'));
    writeKeys(a, { 'ka.key': ka.privateKey });
    a.cli('module reload res_crypto.so');
    expect(lines(a, 'keys show')).toMatch(/3 known RSA keys\.$/);
  });

  it('dundi.conf: only the first [general] and [mappings] count', () => {
    expect(lines(a, 'dundi show entityid')).toBe("Global EID for this system is '02:00:00:00:00:0a'");
    expect(lines(a, 'dundi show mappings')).toMatch(/^priv +10 +pub +NONE +IAX2 +a\/\$\{NUMBER\}/m);
    expect(lines(a, 'dundi show mappings')).not.toMatch(/wrong/);
  });

  it('a lookup finds the other server\'s number, never its own; peers and users show up', () => {
    expect(lines(a, 'dundi lookup 6102@priv')).toBe('  1.    10 IAX2/b/6102 (EXISTS)\n     from 02:00:00:00:00:0b, expires in 3600 s\nDUNDi lookup completed in 1 ms');
    expect(lines(a, 'dundi lookup 6101@priv')).toMatch(/^DUNDi lookup returned no results\./);
    expect(lines(a, 'iax2 show peers')).toMatch(/^b\/a +127\.0\.0\.12 +\(S\) +255\.255\.255\.255 +4569 +OK \(1 ms\)/m);
    expect(lines(a, 'iax2 show users')).toMatch(/^b {16}Key: kb {15}0{14}4 {2}from-site/m);
    expect(lines(a, 'dundi show peers')).toMatch(/^02:00:00:00:00:0b +127\.0\.0\.12 +\(S\) 4520 +Symmetric +Unavail +OK \(1 ms\)/m);
  });

  it('Gosub with arguments, GosubIf, Return: a call looked up and dialled over IAX2 runs on the far server', () => {
    const t = a.call({ context: 'internal', exten: '6102', callerId: { num: '6101' } });
    expect(t.result.dial).toBe('IAX2/b/6102');
    expect(t.vars).toMatchObject({ Q: '0', N: '1', FIRST: 'IAX2/' });
    expect(t.remote).toMatchObject({ ended: 'dial', result: { dial: 'PJSIP/phone' }, vars: { ACM_ROAMED: '1' } });
    t.hangup();
    // Nothing to dial: the frames unwind, ARGn come back, Return's value is GOSUB_RETVAL.
    const none = a.call({ context: 'internal', exten: '7000' });
    expect(none.vars).toMatchObject({ AFTER: '|done 2' });
    expect(none.vars.ARG1).toBeUndefined();
  });

  it('a far side that does not take the call lets the dialplan go on (CONGESTION); a peer down is CHANUNAVAIL', async () => {
    b.state.unregister('phone');
    const t = a.call({ context: 'internal', exten: '5200' });
    expect(t.remote?.ended).toBe('fallthrough');
    expect(t.vars.DIALSTATUS).toBe('CONGESTION');
    b.state.register('phone', 'sip:phone@127.0.0.1:5071');
    b.state.loadedModules.delete('chan_iax2.so');
    expect(a.call({ context: 'internal', exten: '6102' }).vars.DIALSTATUS).toBe('CHANUNAVAIL');
    expect(lines(a, 'iax2 show peers')).toMatch(/UNREACHABLE/);
    b.state.loadedModules.add('chan_iax2.so');
  });

  it('keys that do not match are refused, except within the hour a DUNDi session key lasts', () => {
    // Later than any session the other tests agreed: this lookup agrees a new one.
    const t0 = new Date('2027-01-01T10:00:00Z').getTime();
    const at = (ms: number) => { a.setClock(new Date(t0 + ms)); b.setClock(new Date(t0 + ms)); };
    at(0);
    expect(lines(a, 'dundi lookup 6102@priv')).toMatch(/IAX2\/b\/6102/);
    // b now expects a stranger's key from a: the session a agreed keeps working for the hour…
    writeKeys(b, { 'ka.pub': stranger.publicKey });
    b.cli('module reload res_crypto.so');
    at(3599_000);
    expect(lines(a, 'dundi lookup 6102@priv')).toMatch(/IAX2\/b\/6102/);
    // …then a new one fails; IAX2 checks the inkeys at every call, so it refuses at once.
    at(3601_000);
    expect(lines(a, 'dundi lookup 6102@priv')).toMatch(/no results/);
    const t = a.call({ context: 'direct', exten: '6102' });
    expect(t.remote).toBeUndefined();
    expect(t.vars.DIALSTATUS).toBe('CONGESTION');
    writeKeys(b, { 'ka.pub': ka.publicKey });
    b.cli('module reload res_crypto.so');
    a.setClock();
    b.setClock();
    const back = a.call({ context: 'direct', exten: '6102' });
    expect(back.remote?.ended).toBe('dial');
    back.hangup();
  });
});
