// Not committed: renders the roaming demo of roaming.test.ts into /tmp/oracle-in for a real Asterisk (see /work/notes/oracle.sh).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'vitest';
import { startTestKernel } from '../../../sdk/testing/kernel.ts';

it('dumps', async () => {
  const k = await startTestKernel({ plugins: ['roaming'] });
  const R = '/api/plugins/roaming';
  const tampa = await k.admin.create('/api/sites', { name: 'tampa' });
  const ams = await k.admin.create('/api/sites', { name: 'amsterdam' });
  const c: Record<string, any> = {};
  const ext: Record<string, any> = {};
  for (const [name, site, vip] of [['tpa1', tampa, '127.0.0.1'], ['tpa2', tampa, '127.0.0.2'], ['ams', ams, '127.0.0.3']] as const) {
    c[name] = await k.admin.create('/api/clusters', { siteId: site.id, name, vip, sipBindAddress: vip });
    await k.admin.create('/api/servers', { clusterId: c[name].id, name: `${name}-ast1`, host: vip, amiPort: 5038, amiUser: 'acm', amiSecret: 'x-Secret-123', sshPort: 22, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1' });
  }
  const numbers: Record<string, string[]> = { tpa1: ['6102', '5200', '6110'], tpa2: ['5200', '6120'], ams: ['6179', '6100'] };
  for (const [cl, list] of Object.entries(numbers)) for (const n of list) ext[`${cl}/${n}`] = await k.admin.create('/api/extensions', { clusterId: c[cl].id, name: `User ${n}`, extension: n, secret: `Secret-${n}-x1` });
  await k.admin.create(`${R}/links`, { clusterId: c.tpa1.id, peerClusterId: c.tpa2.id });
  await k.admin.create(`${R}/links`, { clusterId: c.tpa1.id, peerClusterId: c.ams.id });
  await k.admin.create(`${R}/links`, { clusterId: c.tpa2.id, peerClusterId: c.ams.id });
  await k.admin.create(`${R}/roamers`, { extensionId: ext['tpa1/6102'].id });
  await k.admin.create(`${R}/roamers`, { extensionId: ext['ams/6179'].id });
  await k.admin.create(`${R}/standard-numbers`, { number: '5200', name: 'TechSupport', clusterIds: [c.tpa2.id, c.tpa1.id] });
  if (process.env.ROTATE) await k.admin.json('POST', `${R}/keys/${c.tpa1.id}/rotate`);
  for (const name of ['tpa1', 'tpa2', 'ams']) {
    const p: any = await k.acm.commits.prepare(c[name].id);
    if (!p.files) throw new Error(JSON.stringify(p.problems));
    const out = `/tmp/oracle-in/${name}`;
    for (const f of p.files) {
      const content = f.content ?? f.text;
      const path = f.path ? join(out, 'keys', f.path.split('/').pop()) : join(out, 'etc', f.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${c[name].id}`)).body as { file: string; content: string }[];
    for (const s of stubs) if (s.file !== 'iax.conf') writeFileSync(join(out, 'etc', s.file), s.content);
  }
  await k.stop();
}, 60_000);
