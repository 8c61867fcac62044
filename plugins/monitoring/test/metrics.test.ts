/**
 * `GET /api/plugins/monitoring/metrics`: the Prometheus text format (version 0.0.4), read back by
 * a strict parser of that format; the values after a health round and a commit; only for a token
 * holding monitoring.metrics:read, and only from the allowed networks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { allowList } from '../prom.ts';

interface Sample { name: string; labels: Record<string, string>; value: number }
interface Family { type: string; help: string; samples: Sample[] }

/**
 * The text exposition format: `# HELP name text`, `# TYPE name counter|gauge|histogram|summary|untyped`
 * before a family's samples, then `name{label="value",…} number` (label values escape \\, \" and \n).
 * Anything else throws, naming the line.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  let current: string | undefined;
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (m) {
      const f = families.get(m[2]!) ?? { type: 'untyped', help: '', samples: [] };
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`bad TYPE: ${line}`);
        f.type = m[3]!;
      } else f.help = m[3]!;
      families.set(m[2]!, f);
      current = m[2];
      continue;
    }
    m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`).exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    const [, name, rawLabels, rawValue] = m;
    const base = current && (name === current || [`${current}_bucket`, `${current}_sum`, `${current}_count`].includes(name!)) ? current : undefined;
    if (!base) throw new Error(`sample ${name} outside its family (${current})`);
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
    let rest = rawLabels ?? '';
    while (rest) {
      labelRe.lastIndex = 0;
      const l = labelRe.exec(rest);
      if (!l) throw new Error(`bad labels: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(l[0].length);
    }
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : rawValue === 'NaN' ? NaN : Number(rawValue);
    if (Number.isNaN(value) && rawValue !== 'NaN') throw new Error(`bad value: ${line}`);
    families.get(base)!.samples.push({ name: name!, labels, value });
  }
  return families;
}

let k: TestKernel;
let sim: SimulatedAsterisk;
let cluster: Record<string, any>;

beforeAll(async () => {
  k = await startTestKernel({
    plugins: [{ id: 'monitoring', settings: { intervalSeconds: 3600, timeoutSeconds: 2 } }], connectServers: true,
    connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon', timezone: 'Europe/London' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

const scrape = async (token: string) => fetch(`${k.url}/api/plugins/monitoring/metrics`, { headers: { authorization: `Bearer ${token}` } });

describe('/metrics', () => {
  it('answers the NOC\'s metrics in the text format a Prometheus parser reads', async () => {
    sim.host.services.cron = 'failed';
    expect((await k.admin.json('POST', '/api/plugins/monitoring/round')).status).toBe(200);
    expect((await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).status).toBe(200);
    sim.emit('FullyBooted', { Status: 'Fully Booted', Uptime: '10', LastReload: '10' });
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'prometheus' })).body.token as string;
    const res = await scrape(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = parseExposition(await res.text());
    const one = (name: string, labels: Record<string, string>) => f.get(name)!.samples.find((s) => Object.entries(labels).every(([k2, v]) => s.labels[k2] === v))?.value;
    const server = { cluster: 'lon', server: 'lon-ast1' };
    expect(f.get('acm_server_ami_connected')).toMatchObject({ type: 'gauge' });
    expect(one('acm_server_ami_connected', server)).toBe(1);
    expect(one('acm_server_health', server)).toBe(3); // red: cron failed
    expect(one('acm_service_up', { ...server, service: 'cron' })).toBe(0);
    expect(one('acm_service_up', { ...server, service: 'asterisk' })).toBe(1);
    expect(one('acm_health_value', { ...server, metric: 'disk:/var' })).toBe(sim.host.disk('/var').usedPercent);
    expect(one('acm_active_channels', { cluster: 'lon' })).toBe(0);
    expect(f.get('acm_commits_total')).toMatchObject({ type: 'counter' });
    expect(one('acm_commits_total', { cluster: 'lon', result: 'deployed' })).toBe(1);
    expect(f.get('acm_commit_duration_seconds')!.type).toBe('histogram');
    expect(one('acm_commit_duration_seconds', { result: 'deployed', le: '+Inf' })).toBe(1);
    expect(one('acm_ami_events_total', server)).toBeGreaterThan(0);
    expect(one('acm_health_round_duration_seconds', { le: '+Inf' })).toBeGreaterThanOrEqual(1);
    sim.host.services.cron = 'active';
  });

  it('no token or a made-up one: 401', async () => {
    expect((await fetch(`${k.url}/api/plugins/monitoring/metrics`)).status).toBe(401);
    expect((await scrape('not-a-token')).status).toBe(401);
  });

  it('a caller outside metricsAllow: 403 even with a token', async () => {
    const k2 = await startTestKernel({ plugins: [{ id: 'monitoring', settings: { metricsAllow: ['10.0.0.0/8'] } }] });
    try {
      const token = (await k2.admin.json('POST', '/api/auth/tokens', { name: 'prometheus' })).body.token as string;
      const res = await fetch(`${k2.url}/api/plugins/monitoring/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(403);
      expect((await res.json()).detail).toBe('metrics are not served to 127.0.0.1');
    } finally {
      await k2.stop();
    }
  });

  it('the allow-list: only the listed networks, IPv4-mapped addresses as IPv4', () => {
    const allowed = allowList(['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'])!;
    expect(allowed('10.1.2.3')).toBe(true);
    expect(allowed('::ffff:10.1.2.3')).toBe(true);
    expect(allowed('11.1.2.3')).toBe(false);
    expect(allowed('2001:db8::1')).toBe(true);
    expect(allowed('2001:db9::1')).toBe(false);
    expect(allowed('127.0.0.1')).toBe(true);
    expect(allowed('127.0.0.2')).toBe(false);
    expect(allowList([])).toBeNull();
  });
});
