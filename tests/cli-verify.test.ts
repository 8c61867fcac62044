import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabase } from '../sdk/testing/kernel.ts';
import { runAcm } from './helpers/cli.ts';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';

/** The site's own main config files, before it adds acm's includes. */
const MAIN_FILES = Object.fromEntries(['acl.conf', 'confbridge.conf', 'extensions.conf', 'musiconhold.conf', 'pjsip.conf', 'res_parking.conf', 'voicemail.conf'].map((f) => [f, '; hand-written\n']));
let db: Awaited<ReturnType<typeof testDatabase>>;
let sim: SimulatedAsterisk;

const acm = (args: string[]) => runAcm(db, args);

beforeAll(async () => {
  db = await testDatabase();
  sim = new SimulatedAsterisk();
  // Booted with a site pjsip.conf of its own and no transport yet (acm renders transport-udp; a
  // transport already running on another bind would need a restart).
  await sim.start({ systemName: 'tpa1-ast1', registrations: {}, queues: {}, configFiles: MAIN_FILES });
});
afterAll(async () => {
  await sim?.stop();
  await db?.drop();
});

describe('acm verify and acm commit --force', () => {
  it('a site set up with acm includes deploys; verify shows drift, commit --force repairs it', async () => {
    const site = JSON.parse((await acm(['sites', 'add', '--set', 'name=tpa', '--json'])).stdout);
    const cluster = JSON.parse((await acm(['clusters', 'add', '--data', JSON.stringify({ siteId: site.id, name: 'tpa1' }), '--json'])).stdout);
    const server = await acm(['servers', 'add', '--json', '--data', JSON.stringify({
      clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.1', amiPort: sim.ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: sim.ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sim.hostKeySha256,
    })]);
    expect(server.code, server.stderr).toBe(0);
    expect((await acm(['extensions', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'name=Ann Lee', '--set', 'extension=6120', '--set', 'secret=ann-secret-120'])).code).toBe(0);

    // The site's main files end with what `acm includes` prints (plugin files included).
    const includes = await acm(['includes', '--cluster', 'tpa1']);
    expect(includes.code, includes.stderr).toBe(0);
    const stubs = includes.stdout.split(/^# (\S+)\n/m).slice(1);
    expect(stubs.length).toBeGreaterThan(0);
    for (let i = 0; i < stubs.length; i += 2) sim.writeConfig(stubs[i]!, `; hand-written\n${stubs[i + 1]}`);
    expect(sim.readConfig('extensions.conf')).toMatch(/^#tryinclude acm\/extensions\.acm\.conf$/m);

    const first = await acm(['commit', '--cluster', 'tpa1', '--json']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)[0]).toMatchObject({ cluster: 'tpa1', status: 'deployed' });

    const ok = await acm(['verify', '--cluster', 'tpa1', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout).clusters[0];
    expect(report).toMatchObject({ cluster: 'tpa1', revisionStatus: 'deployed', servers: [{ server: 'tpa1-ast1', status: 'ok', loaded: [], restart: [] }] });
    expect(report.servers[0].files.every((f: any) => f.ok && f.actual === f.expected)).toBe(true);

    // A file deleted behind acm's back: verify names it and exits 1; a plain commit sees nothing to do.
    const path = join(sim.configRoot, 'acm/voicemail.acm.conf');
    const deployed = readFileSync(path, 'utf8');
    writeFileSync(path, '');
    const drift = await acm(['verify', '--cluster', 'tpa1']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/tpa1-ast1 .*drift .*acm\/voicemail\.acm\.conf: differs/);
    expect(JSON.parse((await acm(['commit', '--cluster', 'tpa1', '--json'])).stdout)[0]).toMatchObject({ status: 'unchanged' });
    const forced = await acm(['commit', '--cluster', 'tpa1', '--force', '--json']);
    expect(JSON.parse(forced.stdout)[0]).toMatchObject({ status: 'deployed' });
    expect(readFileSync(path, 'utf8')).toBe(deployed);
    expect((await acm(['verify', '--cluster', 'tpa1'])).code).toBe(0);

    // A bind change is loaded everywhere but the transport: the commit says so and exits 3, not 0.
    expect((await acm(['clusters', 'update', String(cluster.id), '--set', 'sipBindAddress=127.0.0.1'])).code).toBe(0);
    const bind = await acm(['commit', '--cluster', 'tpa1', '--json']);
    expect(bind.code, bind.stderr).toBe(3);
    expect(JSON.parse(bind.stdout)[0]).toMatchObject({ status: 'restart-required' });
  }, 240_000);
});
