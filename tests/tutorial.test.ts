/**
 * The SDK tutorial (sdk/README.md "Tutorial"): every file the README shows is the file in
 * sdk/tutorial/speed-dials/, byte for byte, and that plugin behaves as the README says — a
 * resource with API, CLI and changes waiting like a core object, and a dialplan context that a
 * commit deploys to a (simulated) Asterisk and proves loaded.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSnapshotView } from '../sdk/index.ts';
import { cliContext, startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { dialplanArgumentProblems } from '../sdk/testing/sim/app-args.ts';
import { goldenDir } from '../sdk/testing/golden.ts';
import { renderSpeedDials, SpeedDialInput } from '../sdk/tutorial/speed-dials/index.ts';
import type { SpeedDial } from '../sdk/tutorial/speed-dials/entities.ts';
import { simulatedServer } from '../sdk/testing/sim-server.ts';

const REPO = resolve(import.meta.dirname, '..');
const PLUGIN = join(REPO, 'sdk', 'tutorial', 'speed-dials');
const DIALS = '/api/plugins/speed-dials/dials';
const golden = goldenDir(join(import.meta.dirname, 'golden', 'tutorial'));

/** Each fenced block the README marks `<!-- file: path -->` on the line before, with its path. */
function shownFiles(markdown: string): { path: string; text: string }[] {
  return [...markdown.matchAll(/^<!-- file: (\S+) -->\n```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => ({ path: m[1]!, text: m[2]! }));
}

describe('the README shows the tutorial files as they are', () => {
  const readme = readFileSync(join(REPO, 'sdk', 'README.md'), 'utf8');
  const shown = shownFiles(readme);

  it('quotes every file of the plugin a reader writes, and the context it renders', () => {
    expect(shown.map((s) => s.path).sort()).toEqual([
      'sdk/tutorial/speed-dials/entities.ts', 'sdk/tutorial/speed-dials/index.ts', 'sdk/tutorial/speed-dials/manifest.ts',
      'sdk/tutorial/speed-dials/migrations/index.ts', 'sdk/tutorial/speed-dials/ui/speed-dials-page.js', 'tests/golden/tutorial/extensions-speeddial.conf',
    ]);
  });

  it.each(shown.map((s) => [s.path, s] as const))('%s', (path, { text }) => {
    expect(text).toBe(readFileSync(join(REPO, path), 'utf8'));
  });

  it('counts the lines of each file as they are, under 140 together', () => {
    const counts = [...readme.matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(counts.map(([file]) => file)).toEqual(['manifest.ts', 'entities.ts', 'migrations/index.ts', 'index.ts', 'ui/speed-dials-page.js']);
    for (const [file, n] of counts) expect(readFileSync(join(PLUGIN, file), 'utf8').split('\n').length - 1, file).toBe(n);
    expect(counts.reduce((sum, [, n]) => sum + n, 0)).toBeLessThan(140);
  });

  it('takes the whole block after its marker line, fence excluded (what the checks above compare)', () => {
    const [first] = shownFiles('<!-- file: a.ts -->\n```ts\nconst a = 1;\n```\n');
    expect(first).toEqual({ path: 'a.ts', text: 'const a = 1;\n' });
  });
});

const snapshot = (tenantId: number): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'london' }, cluster: { id: 7, tenantId, siteId: 1, name: 'lon' },
  servers: [], groups: [], extensions: [], trunks: [], acls: [],
});
const dial = (id: number, d: Partial<SpeedDial>): SpeedDial => ({
  id, tenantId: 1, siteId: 1, clusterId: 7, code: '*81', number: '6101', createdAt: new Date(0), updatedAt: new Date(0), ...d,
});
const DIALS_OF_LON = [
  dial(1, { code: '*81', number: '+442071234567', label: 'Reception, London' }),
  dial(2, { code: '*82', number: '6101' }),
  dial(3, { code: '*899', number: '0016465701658', label: 'New York office' }),
];

describe('the speed dial context', () => {
  it('renders the context and its include as the golden file holds them', () => {
    golden('extensions-speeddial.conf', renderSpeedDials(snapshot(1), DIALS_OF_LON));
  });

  it('prefixes another tenant\'s contexts, and renders nothing without speed dials', () => {
    const text = renderSpeedDials(snapshot(7), DIALS_OF_LON);
    expect(text).toMatch(/^\[t7-internal\]\ninclude => t7-acm-speeddial\n\n\[t7-acm-speeddial\]$/m);
    expect(renderSpeedDials(snapshot(1), [])).toBe('');
  });

  it('refuses a stored value that would add or end a dialplan argument', () => {
    for (const bad of [{ number: '6101,s' }, { number: '6101)' }, { number: '${EXTEN}' }, { code: '*81,1' }, { code: '*81\n[x]' }]) {
      expect(() => renderSpeedDials(snapshot(1), [dial(1, bad)]), JSON.stringify(bad)).toThrow(/^speed dial 1: .* cannot go into Goto\(\)$/);
    }
    expect(() => renderSpeedDials(snapshot(1), [dial(1, { label: 'a\n[evil]' })])).toThrow(/unsafe config value in label/);
  });

  it('gives Goto the caller\'s context, the number and 1, for every value the API takes (property)', () => {
    // Two benign callers in different contexts, and one whose caller ID is hostile.
    const channel = (context: string, num = '6101') => (p: { exten: string }) => ({ exten: p.exten, context, callerId: { num, name: 'Ann' } });
    let rendered = 0;
    fc.assert(fc.property(fc.stringMatching(/^\*8[0-9]{1,2}$|^[*0-9+,)(;$&-]{1,5}$/), fc.stringMatching(/^\+?[0-9]{2,31}$|^[0-9+,)(&$@-]{1,8}$/), (code, number) => {
      if (!SpeedDialInput.safeParse({ clusterId: 7, code, number }).success) return;
      rendered++;
      const text = renderSpeedDials(snapshot(1), [dial(1, { code, number })]);
      const shape = (app: string, args: string[]) => app === 'Goto' && args.length === 3 && /^(grp-sales|internal)$/.test(args[0]!) && args[1] === number && args[2] === '1';
      expect(dialplanArgumentProblems(text, channel('grp-sales'), channel('internal'), channel('grp-sales', '1,2)'), shape)).toEqual([]);
    }), { numRuns: 300 });
    expect(rendered).toBeGreaterThan(50);
  });
});

describe('the speed-dials plugin in a running acm', () => {
  let sim: SimulatedAsterisk;
  let k: TestKernel;
  let cluster: Record<string, any>;
  const create = async (body: Record<string, unknown>) => {
    const res = await k.admin.json('POST', DIALS, { clusterId: cluster.id, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Record<string, any>;
  };
  const commit = async (all = false) => {
    const res = await k.admin.json('POST', '/api/commit', all ? {} : { clusterId: cluster.id });
    expect(res.status).toBe(200);
    expect(res.body.revisions[0]).toMatchObject({ clusterId: cluster.id, status: 'deployed' });
    return res.body.revisions[0] as Record<string, any>;
  };

  beforeAll(async () => {
    k = await startTestKernel({
      plugins: [{ id: 'speed-dials', dir: PLUGIN }], connectServers: true,
      connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
    });
    const site = (await k.admin.json('POST', '/api/sites', { name: 'lon' })).body;
    cluster = (await k.admin.json('POST', '/api/clusters', { siteId: site.id, name: 'lon' })).body;
    // A server whose main files #tryinclude what acm lists (the plugin's files among them).
    ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
    await commit(true);
  }, 60_000);

  afterAll(async () => {
    await k?.stop();
    await sim?.stop();
  });

  it('creates a speed dial (201) and refuses a bad code, number or label (422 naming the field)', async () => {
    const made = await create({ code: '*81', number: '+442071234567', label: 'Reception' });
    expect(made).toMatchObject({ id: expect.any(Number), clusterId: cluster.id, code: '*81', number: '+442071234567', label: 'Reception' });
    for (const [field, value] of [['code', '81'], ['code', '*8'], ['number', '6101,s'], ['number', '+'], ['label', 'a\n[evil]']] as const) {
      const res = await k.admin.json('POST', DIALS, { clusterId: cluster.id, code: '*85', number: '6101', [field]: value });
      expect(res.status, `${field}=${JSON.stringify(value)}`).toBe(422);
      expect(res.body.problems.map((p: { field: string }) => p.field)).toEqual([field]);
    }
  });

  it('refuses a second speed dial with the same code in the cluster (422 on code)', async () => {
    const res = await k.admin.json('POST', DIALS, { clusterId: cluster.id, code: '*81', number: '6102' });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([expect.objectContaining({ field: 'code' })]);
  });

  it('lists with search and sort, and a PUT changes only the field it names', async () => {
    const ann = await create({ code: '*82', number: '6101', label: 'Ann Lee' });
    await create({ code: '*83', number: '6102', label: 'Bo Chan' });
    const codes = async (query: string) => ((await k.admin.json('GET', `${DIALS}?${query}`)).body.items as { code: string }[]).map((d) => d.code);
    expect(await codes('q=ann')).toEqual(['*82']);
    expect(await codes('sort=-code')).toEqual(['*83', '*82', '*81']);
    const put = await k.admin.json('PUT', `${DIALS}/${ann.id}`, { number: '6109' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ code: '*82', number: '6109', label: 'Ann Lee' });
  });

  it('offers acm speed-dials dials list|add|delete', async () => {
    const out: string[] = [];
    const orig = console.log;
    console.log = (line: string) => out.push(line);
    const run = async (...args: string[]) => {
      const group = new Command('speed-dials').exitOverride();
      for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === 'speed-dials')) r.register(group, cliContext());
      out.length = 0;
      await group.parseAsync(args, { from: 'user' });
      return out.join('\n');
    };
    try {
      const added = JSON.parse(await run('dials', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'code=*84', '--set', 'number=6104', '--json'));
      expect(added).toMatchObject({ code: '*84', number: '6104', clusterId: cluster.id });
      expect(await run('dials', 'list', '-q', '6104')).toMatch(/^id\s+clusterId\s+code\s+number\s+label[\s\S]*\*84\s+6104[\s\S]*1 of 1 \(page 1\)$/);
      await run('dials', 'delete', String(added.id));
      expect(out).toEqual([`deleted dial ${added.id}`]);
    } finally {
      console.log = orig;
    }
  });

  it('waits in the changes of its cluster, and a commit deploys the context and settles them', async () => {
    const waiting = async () => (await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.items as Record<string, any>[];
    const before = await waiting();
    expect(before.map((c) => [c.entity, c.action, c.after?.code ?? c.before.code])).toEqual([
      ['speed-dials.dial', 'create', '*81'], ['speed-dials.dial', 'create', '*82'], ['speed-dials.dial', 'create', '*83'],
      ['speed-dials.dial', 'update', '*82'], ['speed-dials.dial', 'create', '*84'], ['speed-dials.dial', 'delete', '*84'],
    ]);
    const rev = await commit();
    expect(rev.files).toEqual(['acm/extensions-speeddial.conf']);
    expect((await k.admin.json('GET', `/api/revisions/${rev.id}`)).body.changeIds).toEqual(before.map((c) => c.id));
    expect(await waiting()).toEqual([]);
    const onServer = readFileSync(join(sim.configRoot, 'acm/extensions-speeddial.conf'), 'utf8');
    expect(onServer).toMatch(/^\[internal\]\ninclude => acm-speeddial\n\n\[acm-speeddial\]\n/m);
    expect(onServer.match(/^exten => \*.*$/gm)).toEqual([
      'exten => *81,1,Goto(${CONTEXT},+442071234567,1)', 'exten => *82,1,Goto(${CONTEXT},6109,1)', 'exten => *83,1,Goto(${CONTEXT},6102,1)',
    ]);
  });

  it('serves its page and its input schema for the shared form', async () => {
    expect((await k.admin.json('GET', '/api/openapi.json')).body.components.schemas.SpeedDialsDialInput.required).toEqual(['clusterId', 'code', 'number']);
    const page = await k.admin.fetch('/plugins/speed-dials/ui/speed-dials-page.js');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(join(PLUGIN, 'ui', 'speed-dials-page.js'), 'utf8'));
  });
});
