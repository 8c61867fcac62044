/**
 * The demo enterprise: `sites/demo/seed.yaml` read, checked and inserted through the CRUD
 * service, so the demo data goes through the same validation, ChangeSet and audit as an
 * operator's edits. Names stand in for ids in the file (`site: tpa`, `cluster: tpa1`, `group: IT`).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Acm } from '../app.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { Actor } from '../model/crud-service.ts';
import { SiteSchema } from '../model/entities.ts';
import { resource, resources } from '../model/resources.ts';
import {
  AclInput, ClusterInput, ExtensionInput, GroupInput, ServerInput, SiteInput, TrunkInput, objectName,
} from '../model/schemas.ts';

/** The file's entries: the API's input schemas with parent names instead of parent ids. */
const SiteSeed = SiteInput.omit({ tenantId: true });
const ServerSeed = ServerInput.omit({ clusterId: true });
const ClusterSeed = ClusterInput.omit({ siteId: true }).extend({ site: objectName, servers: z.array(z.unknown()).default([]) });
const GroupSeed = GroupInput.omit({ tenantId: true, templateExtensionId: true });
const AclSeed = AclInput.omit({ tenantId: true });
const ExtensionSeed = ExtensionInput.omit({ clusterId: true, groupId: true }).extend({ cluster: objectName, group: objectName.nullish() });
const ExtensionDefaults = ExtensionInput.omit({ clusterId: true, groupId: true, name: true, extension: true }).partial();
const TrunkSeed = TrunkInput.omit({ clusterId: true }).extend({ cluster: objectName });
/**
 * An HA group of the ha plugin: its fields go to the plugin's API as they are (its schema checks
 * them there), with names for the cluster and the nodes' servers.
 */
const HaGroupSeed = z.looseObject({
  cluster: objectName,
  name: objectName,
  nodes: z.array(z.looseObject({ server: objectName })).default([]),
  vips: z.array(z.record(z.string(), z.unknown())).default([]),
});

/**
 * An ACD queue of the queues plugin: its fields go to the plugin's API as they are, with names
 * for the cluster and for each member's group or extension.
 */
const QueueSeed = z.looseObject({
  cluster: objectName,
  name: objectName,
  members: z.array(z.union([
    z.strictObject({ group: objectName, penalty: z.number().int().min(0).optional() }),
    z.strictObject({ extension: z.string().min(1).max(20), penalty: z.number().int().min(0).optional() }),
  ])).default([]),
});

/**
 * The roaming plugin's data, with names where its API takes ids: links between every pair of
 * the tenant's clusters (`links: all`) or the pairs named, the roaming extensions by cluster and
 * number, and standard numbers answered on clusters in order.
 */
const HotdeskSeed = z.strictObject({
  phones: z.array(z.strictObject({ cluster: objectName, extension: z.string().min(1).max(20), desk: z.string().min(1).max(80), emergencyCallerId: z.string().min(1).max(80) })).default([]),
  sessions: z.array(z.strictObject({ cluster: objectName, user: z.string().min(1).max(20), phone: z.string().min(1).max(20) })).default([]),
});

const RoamingSeed = z.strictObject({
  links: z.union([z.literal('all'), z.array(z.tuple([objectName, objectName]))]).default([]),
  roamers: z.array(z.strictObject({ cluster: objectName, extension: z.string().min(1).max(20) })).default([]),
  standardNumbers: z.array(z.strictObject({ number: z.string().min(1).max(20), name: z.string().min(1).max(40), clusters: z.array(objectName).min(1) })).default([]),
});

/**
 * The inbound plugin's business hours and routes: their fields go to its API as they are, with
 * names where the API takes ids: a destination `{ type: queue, queue: <name> }` or `{ type:
 * hours, hours: <name> }`; `cluster` (hours: where its queues are) and a route's `trunk`.
 */
const InboundDestinationSeed = z.looseObject({ type: z.string(), queue: objectName.optional(), hours: objectName.optional() });
const InboundHoursSeed = z.looseObject({
  name: objectName,
  cluster: objectName,
  destinations: z.record(z.string(), InboundDestinationSeed),
});
const InboundRouteSeed = z.looseObject({
  cluster: objectName,
  trunk: objectName.optional(),
  did: z.string().optional(),
  destination: InboundDestinationSeed,
});
const InboundShape = z.strictObject({ hours: z.array(z.unknown()).default([]), routes: z.array(z.unknown()).default([]) });

const FileShape = z.strictObject({
  sites: z.array(z.unknown()).default([]),
  clusters: z.array(z.unknown()).default([]),
  groups: z.array(z.unknown()).default([]),
  acls: z.array(z.unknown()).default([]),
  extensionDefaults: z.record(z.string(), z.unknown()).default({}),
  extensions: z.array(z.unknown()).default([]),
  trunks: z.array(z.unknown()).default([]),
  haGroups: z.array(z.unknown()).default([]),
  queues: z.array(z.unknown()).default([]),
  inbound: InboundShape.default({ hours: [], routes: [] }),
  roaming: RoamingSeed.default({ links: [], roamers: [], standardNumbers: [] }),
  hotdesk: HotdeskSeed.default({ phones: [], sessions: [] }),
});

export type SiteSeed = z.output<typeof SiteSeed>;
export type ServerSeed = z.output<typeof ServerSeed>;
export type ClusterSeed = Omit<z.output<typeof ClusterSeed>, 'servers'> & { servers: ServerSeed[] };
export type GroupSeed = z.output<typeof GroupSeed>;
export type AclSeed = z.output<typeof AclSeed>;
export type ExtensionSeed = z.output<typeof ExtensionSeed>;
export type TrunkSeed = z.output<typeof TrunkSeed>;
export type HaGroupSeed = z.output<typeof HaGroupSeed>;
export type QueueSeed = z.output<typeof QueueSeed>;
export type InboundDestinationSeed = z.output<typeof InboundDestinationSeed>;
export type InboundHoursSeed = z.output<typeof InboundHoursSeed>;
export type InboundRouteSeed = z.output<typeof InboundRouteSeed>;
export type RoamingSeed = z.output<typeof RoamingSeed>;
export type HotdeskSeed = z.output<typeof HotdeskSeed>;

/** A checked demo seed; `extensionDefaults` are already merged into each extension. */
export interface DemoSeed {
  sites: SiteSeed[];
  clusters: ClusterSeed[];
  groups: GroupSeed[];
  acls: AclSeed[];
  extensions: ExtensionSeed[];
  trunks: TrunkSeed[];
  haGroups: HaGroupSeed[];
  queues: QueueSeed[];
  inbound: { hours: InboundHoursSeed[]; routes: InboundRouteSeed[] };
  roaming: RoamingSeed;
  hotdesk: HotdeskSeed;
}

export interface SeedCounts { sites: number; clusters: number; servers: number; groups: number; extensions: number; trunks: number; acls: number }

/** Where the simulator of one server listens; replaces the file's placeholders. */
export type ServerOverrides = (name: string) => Partial<{ host: string; amiPort: number; ariPort: number; sshPort: number; sipPort: number; sshHostKey: string }>;

/** A seed file that cannot be used; the message names the file, the entry and the field. */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** The operator the demo data is recorded under (audit log and ChangeSet). */
export const DEMO_SEED_PRINCIPAL: Principal = {
  userId: 0, username: 'demo-seed', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true,
};

function problems(err: z.ZodError): string {
  return err.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${[...i.path, k].join('.')}: unknown field`).join('; ');
    return `${i.path.join('.') || '(entry)'}: ${i.message}`;
  }).join('; ');
}

function label(raw: unknown, keys: string[]): string {
  if (!raw || typeof raw !== 'object') return '';
  const r = raw as Record<string, unknown>;
  const parts = keys.map((k) => r[k]).filter((v) => typeof v === 'string' || typeof v === 'number');
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** Parses and checks a seed (already read from YAML); `source` names it in errors. */
export function parseSeed(data: unknown, source = 'seed'): DemoSeed {
  const top = FileShape.safeParse(data ?? {});
  if (!top.success) throw new SeedError(`${source}: ${problems(top.error)}`);
  const file = top.data;
  const errors: string[] = [];
  const check = <T extends z.ZodType>(schema: T, raw: unknown, where: string): z.output<T> | undefined => {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    errors.push(`${where}: ${problems(r.error)}`);
    return undefined;
  };
  const each = <T extends z.ZodType>(schema: T, list: unknown[], key: string, labelKeys: string[], prep = (r: unknown) => r) =>
    list.flatMap((raw, i) => {
      const v = check(schema, prep(raw), `${key}[${i}]${label(raw, labelKeys)}`);
      return v === undefined ? [] : [v];
    });

  check(ExtensionDefaults, file.extensionDefaults, 'extensionDefaults');
  const seed: DemoSeed = {
    sites: each(SiteSeed, file.sites, 'sites', ['name']),
    clusters: file.clusters.flatMap((raw, i) => {
      const where = `clusters[${i}]${label(raw, ['name'])}`;
      const c = check(ClusterSeed, raw, where);
      if (!c) return [];
      const servers = c.servers.flatMap((s, j) => {
        const v = check(ServerSeed, s, `${where}.servers[${j}]${label(s, ['name'])}`);
        return v === undefined ? [] : [v];
      });
      return [{ ...c, servers }];
    }),
    groups: each(GroupSeed, file.groups, 'groups', ['name']),
    acls: each(AclSeed, file.acls, 'acls', ['name']),
    // Defaults go under the entry, so the whole merged extension is what gets checked.
    extensions: each(ExtensionSeed, file.extensions, 'extensions', ['cluster', 'extension', 'name'],
      (raw) => (raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...file.extensionDefaults, ...raw } : raw)),
    trunks: each(TrunkSeed, file.trunks, 'trunks', ['cluster', 'name']),
    haGroups: each(HaGroupSeed, file.haGroups, 'haGroups', ['name']),
    queues: each(QueueSeed, file.queues, 'queues', ['cluster', 'name']),
    inbound: {
      hours: each(InboundHoursSeed, file.inbound.hours, 'inbound.hours', ['name']),
      routes: each(InboundRouteSeed, file.inbound.routes, 'inbound.routes', ['cluster', 'did']),
    },
    roaming: file.roaming,
    hotdesk: file.hotdesk,
  };
  if (errors.length) throw new SeedError(`${source}: ${errors.join('\n')}`);
  crossCheck(seed, errors);
  if (errors.length) throw new SeedError(`${source}: ${errors.join('\n')}`);
  return seed;
}

/** Names that must resolve and combinations that must be unique, found before anything is written. */
function crossCheck(seed: DemoSeed, errors: string[]): void {
  const dupes = (what: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) errors.push(`${what} "${k}" appears twice`);
      seen.add(k);
    }
  };
  dupes('site', seed.sites.map((s) => s.name));
  dupes('cluster', seed.clusters.map((c) => c.name));
  dupes('server', seed.clusters.flatMap((c) => c.servers.map((s) => s.name)));
  dupes('group', seed.groups.map((g) => g.name));
  dupes('acl', seed.acls.map((a) => a.name));
  dupes('extension', seed.extensions.map((e) => `${e.cluster}/${e.extension}`));
  dupes('trunk', seed.trunks.map((t) => `${t.cluster}/${t.name}`));
  const sites = new Set(seed.sites.map((s) => s.name));
  const clusters = new Set(seed.clusters.map((c) => c.name));
  const groups = new Set(seed.groups.map((g) => g.name));
  const acls = new Set(seed.acls.map((a) => a.name));
  seed.clusters.forEach((c, i) => { if (!sites.has(c.site)) errors.push(`clusters[${i}] (${c.name}): site: no site "${c.site}" in the seed`); });
  seed.extensions.forEach((e, i) => {
    const where = `extensions[${i}] (${e.cluster} ${e.extension} ${e.name})`;
    if (!clusters.has(e.cluster)) errors.push(`${where}: cluster: no cluster "${e.cluster}" in the seed`);
    if (e.group != null && !groups.has(e.group)) errors.push(`${where}: group: no group "${e.group}" in the seed`);
    if (e.acl != null && !acls.has(e.acl)) errors.push(`${where}: acl: no acl "${e.acl}" in the seed`);
  });
  dupes('HA group', seed.haGroups.map((g) => g.name));
  const servers = new Map(seed.clusters.flatMap((c) => c.servers.map((s) => [s.name, c.name] as const)));
  seed.haGroups.forEach((g, i) => {
    const where = `haGroups[${i}] (${g.name})`;
    if (!clusters.has(g.cluster)) errors.push(`${where}: cluster: no cluster "${g.cluster}" in the seed`);
    g.nodes.forEach((n, j) => {
      if (servers.get(n.server) !== g.cluster) errors.push(`${where}.nodes[${j}]: server: no server "${n.server}" in cluster ${g.cluster}`);
    });
  });
  dupes('queue', seed.queues.map((q) => `${q.cluster}/${q.name}`));
  const extensions = new Set(seed.extensions.map((e) => `${e.cluster}/${e.extension}`));
  seed.queues.forEach((q, i) => {
    const where = `queues[${i}] (${q.cluster} ${q.name})`;
    if (!clusters.has(q.cluster)) errors.push(`${where}: cluster: no cluster "${q.cluster}" in the seed`);
    q.members.forEach((m, j) => {
      if ('group' in m && !groups.has(m.group)) errors.push(`${where}.members[${j}]: group: no group "${m.group}" in the seed`);
      if ('extension' in m && !extensions.has(`${q.cluster}/${m.extension}`)) errors.push(`${where}.members[${j}]: extension: no extension ${m.extension} on ${q.cluster}`);
    });
  });
  const r = seed.roaming;
  if (r.links !== 'all') r.links.forEach((pair, i) => pair.forEach((c) => { if (!clusters.has(c)) errors.push(`roaming.links[${i}]: no cluster "${c}" in the seed`); }));
  seed.hotdesk.phones.forEach((p, i) => { if (!extensions.has(`${p.cluster}/${p.extension}`)) errors.push(`hotdesk.phones[${i}]: no extension ${p.extension} on ${p.cluster}`); });
  r.roamers.forEach((x, i) => { if (!extensions.has(`${x.cluster}/${x.extension}`)) errors.push(`roaming.roamers[${i}]: no extension ${x.extension} on ${x.cluster}`); });
  r.standardNumbers.forEach((n, i) => n.clusters.forEach((c) => {
    if (!extensions.has(`${c}/${n.number}`)) errors.push(`roaming.standardNumbers[${i}] (${n.number}): no extension ${n.number} on ${c} to answer it`);
  }));
  dupes('business hours', seed.inbound.hours.map((h) => h.name));
  const queues = new Set(seed.queues.map((q) => `${q.cluster}/${q.name}`));
  const hours = new Set(seed.inbound.hours.map((h) => h.name));
  const trunks = new Set(seed.trunks.map((t) => `${t.cluster}/${t.name}`));
  const destination = (where: string, cluster: string, d: InboundDestinationSeed) => {
    if (d.type === 'queue' && !queues.has(`${cluster}/${d.queue}`)) errors.push(`${where}: queue: no queue "${d.queue}" on ${cluster} in the seed`);
    if (d.type === 'hours' && !hours.has(d.hours ?? '')) errors.push(`${where}: hours: no business hours "${d.hours}" in the seed`);
  };
  seed.inbound.hours.forEach((h, i) => {
    const where = `inbound.hours[${i}] (${h.name})`;
    if (!clusters.has(h.cluster)) errors.push(`${where}: cluster: no cluster "${h.cluster}" in the seed`);
    for (const [k, d] of Object.entries(h.destinations)) destination(`${where}.destinations.${k}`, h.cluster, d);
  });
  seed.inbound.routes.forEach((r, i) => {
    const where = `inbound.routes[${i}] (${r.cluster} ${r.did ?? 'catch-all'})`;
    if (!clusters.has(r.cluster)) errors.push(`${where}: cluster: no cluster "${r.cluster}" in the seed`);
    if (r.trunk !== undefined && !trunks.has(`${r.cluster}/${r.trunk}`)) errors.push(`${where}: trunk: no trunk "${r.trunk}" on ${r.cluster} in the seed`);
    destination(`${where}.destination`, r.cluster, r.destination);
  });
  seed.trunks.forEach((t, i) => {
    const where = `trunks[${i}] (${t.cluster} ${t.name})`;
    if (!clusters.has(t.cluster)) errors.push(`${where}: cluster: no cluster "${t.cluster}" in the seed`);
    if (t.acl != null && !acls.has(t.acl)) errors.push(`${where}: acl: no acl "${t.acl}" in the seed`);
  });
}

/** Reads a seed YAML file and checks every entry against the API's input schemas. */
export function loadSeedFile(path: string): DemoSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError(`${path}: cannot read: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new SeedError(`${path}: not valid YAML: ${(err as Error).message}`);
  }
  return parseSeed(data, path);
}

const ZERO: SeedCounts = { sites: 0, clusters: 0, servers: 0, groups: 0, extensions: 0, trunks: 0, acls: 0 };

/**
 * Inserts the seed through `acm.crud` as the `demo-seed` operator, parents before children.
 * Does nothing (and returns zeros) when the database already has a site, so it is safe on
 * every start. `servers` gives each server's real host and ports (the simulators').
 */
export async function applySeed(acm: Acm, seed: DemoSeed, servers?: ServerOverrides): Promise<SeedCounts> {
  if ((await acm.orm.em.fork().count(SiteSchema, {})) > 0) return { ...ZERO };
  const actor: Actor = { user: DEMO_SEED_PRINCIPAL, ip: null };
  const counts: SeedCounts = { ...ZERO };
  const create = async (kind: string, body: Record<string, unknown>, what: string): Promise<number> => {
    try {
      const row = await acm.crud.create(actor, resource(kind), body, resources);
      return row.id as number;
    } catch (err) {
      const detail = (err as { problems?: { field: string; message: string }[] }).problems;
      const why = detail?.length ? detail.map((p) => `${p.field}: ${p.message}`).join('; ') : (err as Error).message;
      throw new SeedError(`demo seed: cannot create ${what}: ${why}`);
    }
  };

  const siteIds = new Map<string, number>();
  for (const s of seed.sites) {
    siteIds.set(s.name, await create('sites', s, `site ${s.name}`));
    counts.sites++;
  }
  const clusterIds = new Map<string, number>();
  for (const { site, servers: list, ...c } of seed.clusters) {
    const siteId = siteIds.get(site);
    if (siteId === undefined) throw new SeedError(`demo seed: cluster ${c.name}: no site "${site}"`);
    const clusterId = await create('clusters', { ...c, siteId }, `cluster ${c.name}`);
    clusterIds.set(c.name, clusterId);
    counts.clusters++;
    for (const s of list) {
      const over = Object.fromEntries(Object.entries(servers?.(s.name) ?? {}).filter(([, v]) => v !== undefined));
      await create('servers', { ...s, ...over, clusterId }, `server ${s.name}`);
      counts.servers++;
    }
  }
  const groupIds = new Map<string, number>();
  for (const g of seed.groups) {
    groupIds.set(g.name, await create('groups', g, `group ${g.name}`));
    counts.groups++;
  }
  for (const a of seed.acls) {
    await create('acls', a, `acl ${a.name}`);
    counts.acls++;
  }
  for (const { cluster, group, ...e } of seed.extensions) {
    const what = `extension ${e.extension} (${e.name}) on ${cluster}`;
    const clusterId = clusterIds.get(cluster);
    if (clusterId === undefined) throw new SeedError(`demo seed: ${what}: no cluster "${cluster}"`);
    const groupId = group == null ? null : groupIds.get(group);
    if (groupId === undefined) throw new SeedError(`demo seed: ${what}: no group "${group}"`);
    await create('extensions', { ...e, clusterId, groupId }, what);
    counts.extensions++;
  }
  for (const { cluster, ...t } of seed.trunks) {
    const clusterId = clusterIds.get(cluster);
    if (clusterId === undefined) throw new SeedError(`demo seed: trunk ${t.name}: no cluster "${cluster}"`);
    await create('trunks', { ...t, clusterId }, `trunk ${t.name} on ${cluster}`);
    counts.trunks++;
  }
  return counts;
}
