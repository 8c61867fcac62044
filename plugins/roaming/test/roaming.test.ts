import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPluginCli, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimCallTrace, SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';

/**
 * Issue 15's roaming, end to end on three simulated clusters of one tenant (tpa1, tpa2, ams):
 * committed through the pipeline, then calls placed on one simulator travel over DUNDi + IAX2
 * to another, with the RSA keys acm made, through a key rotation done one cluster at a time.
 */
const R = '/api/plugins/roaming';
let k: TestKernel;
const sims: Record<string, SimulatedAsterisk> = {};
const c: Record<string, Record<string, any>> = {};
const ext: Record<string, Record<string, any>> = {};
/** Every extension's phone registers (once the commit made their AORs). */
let phones: () => void;

const problems = (res: { status: number; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  return (res.body.problems as { field: string; message: string }[]).map((p) => `${p.field}: ${p.message}`);
};
const commit = async (clusterId?: number) => {
  const res = await k.admin.json('POST', '/api/commit', clusterId ? { clusterId } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.revisions as { cluster: string; status: string; error?: string; files: string[] }[];
};
const deployed = async (clusterId?: number) => {
  const revs = await commit(clusterId);
  for (const r of revs) expect(r.status, `${r.cluster}: ${r.error ?? ''}`).toMatch(/^(deployed|unchanged)$/);
  return revs;
};
/** A call from a phone of `from` to `exten`; where it rang, following IAX2 hops. */
const call = (from: string, exten: string) => {
  const t = sims[from]!.call({ context: 'internal', exten, callerId: { num: '6100', name: 'Caller' } });
  const hops: string[] = [];
  let at: SimCallTrace | undefined = t;
  while (at) { hops.push(at.result.dial ?? `(${at.ended})`); at = at.remote; }
  t.hangup();
  return hops;
};

beforeAll(async () => {
  k = await startTestKernel({
    plugins: ['roaming'], connectServers: true, connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const tampa = await k.admin.create('/api/sites', { name: 'tampa', timezone: 'America/New_York' });
  const amsterdam = await k.admin.create('/api/sites', { name: 'amsterdam', timezone: 'Europe/Amsterdam' });
  const clusters = [['tpa1', tampa, '127.0.0.1'], ['tpa2', tampa, '127.0.0.2'], ['ams', amsterdam, '127.0.0.3']] as const;
  for (const [name, site, vip] of clusters) c[name] = await k.admin.create('/api/clusters', { siteId: site.id, name, vip });
  const numbers = { tpa1: ['6102', '5200', '6110'], tpa2: ['5200', '6120'], ams: ['6179', '6100'] };
  for (const [cl, list] of Object.entries(numbers)) {
    for (const n of list) {
      // 6179's mailbox lives on its home cluster, ams.
      const box = n === '6179' ? { mailbox: '6179', vmSecret: '4711' } : {};
      ext[`${cl}/${n}`] = await k.admin.create('/api/extensions', { clusterId: c[cl]!.id, name: `User ${n}`, extension: n, secret: `Secret-${n}-x1`, ...box });
    }
  }
  await k.admin.create(`${R}/links`, { clusterId: c.tpa1!.id, peerClusterId: c.tpa2!.id });
  await k.admin.create(`${R}/links`, { clusterId: c.tpa1!.id, peerClusterId: c.ams!.id });
  await k.admin.create(`${R}/links`, { clusterId: c.tpa2!.id, peerClusterId: c.ams!.id });
  await k.admin.create(`${R}/roamers`, { extensionId: ext['tpa1/6102']!.id });
  await k.admin.create(`${R}/roamers`, { extensionId: ext['ams/6179']!.id });
  await k.admin.create(`${R}/standard-numbers`, { number: '5200', name: 'TechSupport', clusterIds: [c.tpa2!.id, c.tpa1!.id] });
  for (const [name, , vip] of clusters) {
    ({ sim: sims[name] } = await simulatedServer(k, c[name]!.id, { name: `${name}-ast1`, start: { addresses: [vip], registrations: {} } }));
  }
  phones = () => {
    for (const [name, list] of Object.entries(numbers)) for (const n of list) expect(sims[name]!.state.register(n, `sip:${n}@127.0.0.1:5071`)).toBe(true);
  };
}, 120_000);

afterAll(async () => {
  await k?.stop();
  for (const s of Object.values(sims)) await s.stop();
});

describe('roaming across three clusters', () => {
  it('bad input: a link to another tenant, a link to itself, a number both roaming and standard', async () => {
    const other = await k.admin.create('/api/tenants', { name: 'other', dialPrefix: '42' });
    const site = await k.admin.create('/api/sites', { tenantId: other.id, name: 'elsewhere' });
    const foreign = await k.admin.create('/api/clusters', { siteId: site.id, name: 'foreign' });
    expect(problems(await k.admin.json('POST', `${R}/links`, { clusterId: c.tpa1!.id, peerClusterId: foreign.id })))
      .toEqual(['peerClusterId: cluster foreign belongs to another tenant: roaming links the clusters of one tenant']);
    expect(problems(await k.admin.json('POST', `${R}/links`, { clusterId: c.tpa1!.id, peerClusterId: c.tpa1!.id }))).toEqual(['peerClusterId: a cluster is not linked to itself']);
    expect(problems(await k.admin.json('POST', `${R}/links`, { clusterId: c.ams!.id, peerClusterId: c.tpa1!.id }))[0]).toMatch(/^peerClusterId: the two clusters are linked already/);
    expect(problems(await k.admin.json('POST', `${R}/roamers`, { extensionId: ext['tpa1/5200']!.id })))
      .toEqual(['extensionId: 5200 is a standard number: a number roams or is standard, not both']);
    expect(problems(await k.admin.json('POST', `${R}/standard-numbers`, { number: '6102', name: 'Sales', clusterIds: [c.tpa1!.id] })))
      .toEqual(['number: 6102 is a roaming extension: a number roams or is standard, not both']);
    expect(problems(await k.admin.json('POST', `${R}/standard-numbers`, { number: '52;00', name: 'x\n[evil]', clusterIds: [c.tpa1!.id, c.tpa1!.id] })).sort())
      .toEqual(['clusterIds: each cluster once', 'name: letters, digits, space and _.-, at most 40', 'number: 2 to 10 digits']);
  });

  it('a link made keys for both clusters; the private key is never answered', async () => {
    const keys = (await k.admin.json('GET', `${R}/keys`)).body.items as Record<string, unknown>[];
    expect(keys.map((x) => [x.clusterId, x.state])).toEqual([[c.tpa1!.id, 'active'], [c.tpa2!.id, 'active'], [c.ams!.id, 'active']]);
    expect(JSON.stringify(keys)).not.toMatch(/PRIVATE|BEGIN/);
  });

  it('the commit deploys the links, keys and lookups to every cluster', async () => {
    const revs = await deployed();
    expect(revs.map((r) => r.cluster).filter((n) => n !== 'foreign').sort()).toEqual(['ams', 'tpa1', 'tpa2']);
    phones();
    expect((sims.ams!.cli('keys show') ?? []).join('\n')).toMatch(/acm-c\d+-k\d+\s+PRIVATE\s+\[Loaded\]/);
    expect((sims.ams!.cli('iax2 show users') ?? []).join('\n')).toMatch(/^acm-tpa1\s/m);
  });

  it('every server sees its links up, IAX2 and DUNDi (API, CLI)', async () => {
    const rows = (await k.admin.json('GET', `${R}/link-status?refresh=1`)).body.items as { server: string; peerClusterId: number; iax: string; dundi: string }[];
    expect(rows.map((r) => `${r.server}>${r.peerClusterId}:${r.iax}/${r.dundi}`).sort()).toEqual([
      `ams-ast1>${c.tpa1!.id}:OK/OK`, `ams-ast1>${c.tpa2!.id}:OK/OK`, `tpa1-ast1>${c.ams!.id}:OK/OK`, `tpa1-ast1>${c.tpa2!.id}:OK/OK`, `tpa2-ast1>${c.ams!.id}:OK/OK`, `tpa2-ast1>${c.tpa1!.id}:OK/OK`,
    ].sort());
    expect(await runPluginCli(k, 'roaming', 'status')).toMatch(new RegExp(`^ams-ast1 +→ cluster ${c.tpa1!.id} +IAX OK +DUNDI OK$`, 'm'));
    expect(await runPluginCli(k, 'roaming', 'keys', 'list')).toMatch(/^cluster \d+ {2}key \d+ {2}active {4}[0-9a-f]{32} {2}0 day\(s\)$/m);
  });

  it('a roaming extension of another cluster is reached over DUNDi and IAX2', () => {
    expect(call('ams', '6102')).toEqual(['IAX2/acm-tpa1/6102', 'PJSIP/6102']);
    expect(call('tpa2', '6179')).toEqual(['IAX2/acm-ams/6179', 'PJSIP/6179']);
    expect(call('tpa1', '6179')).toEqual(['IAX2/acm-ams/6179', 'PJSIP/6179']);
  });

  it('a standard number rings locally while the local phone is there, another site when it is not', () => {
    expect(call('tpa1', '5200')).toEqual(['PJSIP/5200']);
    sims.tpa1!.state.unregister('5200');
    expect(call('tpa1', '5200')).toEqual(['IAX2/acm-tpa2/5200', 'PJSIP/5200']);
    // Arrived from a site, tpa2 would not look up again even without its phone (no loop back to tpa1).
    sims.tpa2!.state.unregister('5200');
    const t = sims.tpa1!.call({ context: 'internal', exten: '5200', callerId: { num: '6110' } });
    expect(t.remote!.steps.filter((x) => x.app === 'GosubIf').map((x) => x.args[0])).toEqual(['0']);
    expect(t.remote!.steps.some((x) => x.context === 'roaming-dial')).toBe(false);
    t.hangup();
    sims.tpa2!.state.register('5200', 'sip:5200@127.0.0.1:5071');
    // ams has no 5200: the first of the list answers.
    expect(call('ams', '5200')).toEqual(['IAX2/acm-tpa2/5200', 'PJSIP/5200']);
    sims.tpa1!.state.register('5200', 'sip:5200@127.0.0.1:5071');
  });

  it('a roaming user away from their phone gets their home voicemail, from any site', () => {
    sims.ams!.state.unregister('6179');
    const t = sims.tpa1!.call({ context: 'internal', exten: '6179', callerId: { num: '6110' } });
    expect(t.result.dial).toBe('IAX2/acm-ams/6179');
    expect(t.remote).toMatchObject({ ended: 'voicemail', result: { mailbox: '6179@default' } });
    t.hangup();
    sims.ams!.state.register('6179', 'sip:6179@127.0.0.1:5071');
  });

  it('a key rotation, committed one cluster at a time, loses no call', async () => {
    const rotated = (await k.admin.json('POST', `${R}/keys/${c.tpa1!.id}/rotate`)).body;
    expect(rotated).toMatchObject({ clusterId: c.tpa1!.id, state: 'next' });
    for (const cl of ['tpa1', 'tpa2', 'ams']) {
      await deployed(c[cl]!.id);
      expect(call('ams', '6102')).toEqual(['IAX2/acm-tpa1/6102', 'PJSIP/6102']);
      expect(call('tpa1', '6179')).toEqual(['IAX2/acm-ams/6179', 'PJSIP/6179']);
    }
    expect((await k.admin.json('POST', `${R}/keys/${c.tpa1!.id}/activate`)).body).toMatchObject({ id: rotated.id, state: 'active' });
    for (const cl of ['tpa1', 'ams', 'tpa2']) {
      await deployed(c[cl]!.id);
      expect(call('ams', '6102')).toEqual(['IAX2/acm-tpa1/6102', 'PJSIP/6102']);
      expect(call('tpa1', '6179')).toEqual(['IAX2/acm-ams/6179', 'PJSIP/6179']);
      expect(call('tpa2', '6102')).toEqual(['IAX2/acm-tpa1/6102', 'PJSIP/6102']);
    }
    const keys = (await k.admin.json('GET', `${R}/keys?`)).body.items as { id: number; clusterId: number; state: string }[];
    expect(keys.filter((x) => x.clusterId === c.tpa1!.id).map((x) => [x.id === rotated.id, x.state])).toEqual([[false, 'retiring'], [true, 'active']]);
    expect((sims.ams!.cli('iax2 show users') ?? []).join('\n')).toMatch(/acm-tpa1/);
  });

  it('a second rotation drops the retired key from every server', async () => {
    const before = (await k.admin.json('GET', `${R}/keys`)).body.items as { id: number; clusterId: number; state: string }[];
    const retired = before.find((x) => x.clusterId === c.tpa1!.id && x.state === 'retiring')!;
    await k.admin.json('POST', `${R}/keys/${c.tpa1!.id}/rotate`);
    await deployed();
    await k.admin.json('POST', `${R}/keys/${c.tpa1!.id}/activate`);
    await deployed();
    const name = `acm-c${c.tpa1!.id}-k${retired.id}`;
    for (const cl of ['tpa1', 'tpa2', 'ams']) expect((sims[cl]!.cli('keys show') ?? []).join('\n'), cl).not.toContain(name);
    expect(call('ams', '6102')).toEqual(['IAX2/acm-tpa1/6102', 'PJSIP/6102']);
  });

  it('a commit whose keys res_crypto cannot load fails with the reason; once it can, the commit goes through', async () => {
    sims.tpa2!.state.loadedModules.delete('res_crypto.so');
    await k.admin.json('POST', `${R}/keys/${c.tpa2!.id}/rotate`);
    const [rev] = await commit(c.tpa2!.id);
    expect(rev).toMatchObject({ status: 'failed' });
    expect(rev!.error).toMatch(/res_crypto\.so did not reload/);
    sims.tpa2!.state.loadedModules.add('res_crypto.so');
    await deployed(c.tpa2!.id);
  });

  it('with tpa2 down, a standard number goes to the next site', async () => {
    await sims.tpa2!.stop();
    expect(call('ams', '5200')).toEqual(['IAX2/acm-tpa1/5200', 'PJSIP/5200']);
    const res = await k.admin.json('GET', `${R}/link-status?refresh=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = res.body.items as { server: string; peerClusterId: number; iax: string; dundi: string }[];
    expect(rows.filter((r) => r.server === 'ams-ast1').map((r) => `${r.peerClusterId}:${r.iax}/${r.dundi}`).sort()).toEqual([`${c.tpa1!.id}:OK/OK`, `${c.tpa2!.id}:UNREACHABLE/UNREACHABLE`].sort());
  });

  it('the roaming report flags a number whose extensions differ in name or both hold a mailbox (API, CLI)', async () => {
    await k.admin.create('/api/extensions', { clusterId: c.tpa2!.id, name: 'Eddle', extension: '6179', secret: 'Secret-6179-x2', mailbox: '6179' });
    await k.admin.json('PUT', `/api/extensions/${ext['ams/6179']!.id}`, { name: 'Eddie' });
    const r = (await k.admin.json('GET', `${R}/report?flagged=true`)).body;
    expect(r.items.map((x: any) => `${x.number}@${x.cluster}:${x.name}:${x.roaming}:${x.flags.join('+')}`)).toEqual([
      '6179@ams:Eddie:true:duplicate-voicemail+name-mismatch', '6179@tpa2:Eddle:false:duplicate-voicemail+name-mismatch',
    ]);
    expect((await k.admin.json('GET', `${R}/report?clusterId=${c.tpa1!.id}`)).body.items.map((x: any) => `${x.number}:${x.standard}`)).toEqual(['5200:true']);
    expect((await k.admin.json('GET', `${R}/report?siteId=abc`)).status).toBe(422);
    expect(await runPluginCli(k, 'roaming', 'report', '--flagged')).toMatch(/^6179 +Eddle +- +tpa2 +tampa +no +6179 +duplicate-voicemail,name-mismatch$/m);
  });
});
