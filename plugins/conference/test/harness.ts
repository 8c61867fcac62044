import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestKernel, type TestClient, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';

export const until = waitUntil;

const REPO = resolve(import.meta.dirname, '../../..');

/** A plugin folder whose manifest.ts and index.ts re-export a real plugin's (by absolute path). */
function stub(dir: string, real: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.ts'), `export { manifest } from ${JSON.stringify(join(real, 'manifest.ts'))};\n`);
  writeFileSync(join(dir, 'index.ts'), `export { default } from ${JSON.stringify(join(real, 'index.ts'))};\n`);
}

/**
 * A throw-away project root for one test file: the real plugins and site modules named here
 * (stubs re-exporting the real ones, so nothing else in the tree is loaded) and a site.yaml.
 */
export function projectRoot(o: { plugins: string[]; modules?: string[]; siteYaml: string }): { dir: string; site: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'acm-conf-root-'));
  mkdirSync(join(dir, 'plugins'));
  mkdirSync(join(dir, 'sites', 'test', 'modules'), { recursive: true });
  for (const p of o.plugins) stub(join(dir, 'plugins', p), join(REPO, 'plugins', p));
  for (const m of o.modules ?? []) stub(join(dir, 'sites', 'test', 'modules', m), join(REPO, 'sites', 'demo', 'modules', m));
  writeFileSync(join(dir, 'sites', 'test', 'site.yaml'), o.siteYaml);
  return { dir, site: 'test', remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function bootKernel(o: Parameters<typeof projectRoot>[0], opts: Parameters<typeof startTestKernel>[0] = {}): Promise<TestKernel & { removeRoot(): void }> {
  const root = projectRoot(o);
  try {
    const k = await startTestKernel({ rootDir: root.dir, site: root.site, ...opts });
    return Object.assign(k, { removeRoot: root.remove });
  } catch (err) {
    root.remove();
    throw err;
  }
}

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
