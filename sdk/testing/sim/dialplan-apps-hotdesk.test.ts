import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from './index.ts';
import type { SimAmiEvent } from './state.ts';

const EXTENSIONS = `[general]
[hd]
exten => put,1,Set(DB(fam/k1)=v1)
 same => n,Set(X=\${DB(fam/k1)})
 same => n,Set(DB(fam)=nokey)
 same => n,Hangup()
exten => del,1,Set(Y=\${DB_DELETE(fam/k1)})
 same => n,Set(Z=\${DB_DELETE(fam/k1)})
 same => n,Hangup()
exten => acct,1,Set(CHANNEL(accountcode)=Sales)
 same => n,Hangup()
exten => auth,1,VMAuthenticate(6109@default)
 same => n,Set(OK=\${AUTH_MAILBOX}@\${AUTH_CONTEXT})
 same => n,UserEvent(Done,Who: \${AUTH_MAILBOX},Where: here)
 same => n,Hangup()
exten => quiet,1,VMAuthenticate(6109@default,s)
 same => n,Hangup()
`;

let sim: SimulatedAsterisk;
const events: SimAmiEvent[] = [];
beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ sshPort: -1, configFiles: { 'extensions.conf': EXTENSIONS, 'voicemail.conf': '[general]\n[default]\n6109 => 4321,George Lopez\n' } });
  sim.state.on('ami', (e: SimAmiEvent) => events.push(e));
});
afterAll(async () => { await sim?.stop(); });

describe('the hot-desk applications of the dialplan runner', () => {
  it('Set(DB(family/key)=…) writes the server\'s AstDB, read later in the call; no key, no write', () => {
    const t = sim.call({ context: 'hd', exten: 'put' });
    expect(t.vars.X).toBe('v1');
    expect(sim.state.db.get('/fam/k1')).toBe('v1');
    expect([...sim.state.db.keys()].filter((k) => k.startsWith('/fam'))).toEqual(['/fam/k1']);
  });

  it('DB_DELETE answers the value and deletes the key; a missing key answers nothing', () => {
    sim.state.db.set('/fam/k1', 'gone');
    const t = sim.call({ context: 'hd', exten: 'del' });
    expect([t.vars.Y, t.vars.Z, sim.state.db.has('/fam/k1')]).toEqual(['gone', '', false]);
  });

  it('Set(CHANNEL(accountcode)=…) gives the call its account code', () => {
    expect(sim.call({ context: 'hd', exten: 'acct' }).result.accountCode).toBe('Sales');
  });

  it('VMAuthenticate: three tries from the caller\'s digits, then vm-goodbye and a hang-up; right: AUTH_MAILBOX/AUTH_CONTEXT and on', () => {
    const wrong = sim.call({ context: 'hd', exten: 'auth', digits: ['1', '2', '3'] });
    expect([wrong.ended, wrong.played, wrong.vars.OK]).toEqual(['hangup', ['vm-password', 'vm-incorrect', 'vm-password', 'vm-incorrect', 'vm-password', 'vm-incorrect', 'vm-goodbye'], undefined]);
    const ok = sim.call({ context: 'hd', exten: 'auth', digits: ['9', '4321#'] });
    expect([ok.vars.OK, ok.played]).toEqual(['6109@default', ['vm-password', 'vm-incorrect', 'vm-password', 'auth-thankyou']]);
    const e = events.find((x) => x.name === 'UserEvent')!;
    expect(Object.fromEntries(e.fields)).toMatchObject({ UserEvent: 'Done', Who: '6109', Where: 'here' });
    const none = sim.call({ context: 'hd', exten: 'quiet', digits: [''] });
    expect([none.ended, none.played]).toEqual(['hangup', []]);
  });
});
