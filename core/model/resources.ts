import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { z } from 'zod';
import {
  AclSchema, ClusterSchema, ExtensionSchema, GroupSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema,
} from './entities.ts';
import { AclInput, ClusterInput, ExtensionInput, GroupInput, ServerInput, SiteInput, TenantInput, TrunkInput } from './schemas.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { FieldProblem } from '../../sdk/errors.ts';
import { truncateUtf8 } from '../../sdk/asterisk-syntax.ts';
import { defineResource, type CoreRefs, type ResourceDeclaration, type ResourceParent, type ResourceWrite } from '../../sdk/resources.ts';

type ScopeType = 'site' | 'cluster' | 'group';

/** Where a new or moved row sits: its tenant and, below that, its site and cluster. */
export interface Placement { tenantId: number; siteId?: number; clusterId?: number }

export interface ParentLookup {
  /** A row of `entity` the principal may see, or null. */
  visible(entity: EntitySchema<any>, id: number): Promise<Record<string, any> | null>;
  /** A row of a declared resource the principal may see (its scope rules), or null. */
  visibleIn(def: ResourceDef, id: number): Promise<Record<string, any> | null>;
  defaultTenantId(): Promise<number>;
}

/**
 * A declared resource (sdk/resources.ts) as the shared CRUD, HTTP, CLI and OpenAPI layers use it,
 * the core's objects and the plugins' alike: the declaration with its defaults filled in and the
 * rules its parent implies.
 */
export interface ResourceDef {
  /** `core` or the plugin's id. */
  owner: string;
  name: string;
  singular: string;
  entity: EntitySchema<any>;
  input: z.ZodObject<any>;
  /** `core.<resource>` or `<plugin>.<resource>` — reads need `:read`, changes `:write`. */
  permission: string;
  /** The ChangeSet entity and audit target: `extension`, `conference.room`. */
  changeEntity: string;
  /** The collection's URL: `/api/<name>` or `/api/plugins/<plugin>/<name>`. */
  path: string;
  /** Its input schema's name in /api/openapi.json. */
  schemaName: string;
  parent: ResourceParent;
  /** The parent resource's def, for a row under another resource. */
  parentDef?: ResourceDef;
  search: string[];
  filters: string[];
  secrets: string[];
  /** The column holding each scope type's id (`id` for the object itself). */
  scopeColumns: Partial<Record<ScopeType, string>>;
  unique: string[][];
  /** Derives tenant/site/cluster from the parent named in the input, checking it is visible. */
  place(input: Record<string, any>, lookup: ParentLookup, user: Principal): Promise<Placement | FieldProblem>;
  children: { entity: EntitySchema<any>; column: string; label: string; cascade?: boolean }[];
  copyDefaults(row: Record<string, any>): Record<string, unknown>;
  /** The clusters whose config this row affects; null: every cluster of the tenant. */
  clustersOf(row: Record<string, any>): readonly number[] | null;
  check?(em: EntityManager, values: Record<string, any>, existing: Record<string, any> | null, refs: CoreRefs): Promise<FieldProblem[]> | FieldProblem[];
  afterWrite?(write: ResourceWrite): Promise<void> | void;
  defaultSort: string;
}

async function providerPlacement(_input: Record<string, any>, lookup: ParentLookup, user: Principal): Promise<Placement> {
  return { tenantId: user.tenantId ?? (await lookup.defaultTenantId()) };
}

async function tenantPlacement(input: Record<string, any>, lookup: ParentLookup, user: Principal): Promise<Placement | FieldProblem> {
  if (user.tenantId !== null) {
    if (input.tenantId !== undefined && input.tenantId !== user.tenantId) return { field: 'tenantId', message: 'not your tenant' };
    return { tenantId: user.tenantId };
  }
  if (input.tenantId === undefined) return { tenantId: await lookup.defaultTenantId() };
  const t = await lookup.visible(TenantSchema, input.tenantId);
  return t ? { tenantId: t.id } : { field: 'tenantId', message: `no tenant ${input.tenantId}` };
}

async function underSite(input: Record<string, any>, lookup: ParentLookup): Promise<Placement | FieldProblem> {
  const site = await lookup.visible(SiteSchema, input.siteId);
  return site ? { tenantId: site.tenantId, siteId: site.id } : { field: 'siteId', message: `no site ${input.siteId}` };
}

async function underCluster(input: Record<string, any>, lookup: ParentLookup): Promise<Placement | FieldProblem> {
  const cluster = await lookup.visible(ClusterSchema, input.clusterId);
  return cluster ? { tenantId: cluster.tenantId, siteId: cluster.siteId, clusterId: cluster.id } : { field: 'clusterId', message: `no cluster ${input.clusterId}` };
}

/** `<name>-copy`, the name cut on a character boundary so the copy stays within 79 bytes and keeps its suffix. */
const copyName = (row: Record<string, any>) => ({ name: `${truncateUtf8(String(row.name), 79 - '-copy'.length)}-copy` });

const PLACE: Record<BuiltinParent, ResourceDef['place']> = {
  provider: providerPlacement, tenant: tenantPlacement, site: (i, l) => underSite(i, l), cluster: (i, l) => underCluster(i, l),
};
const PARENT_SCOPES: Record<BuiltinParent, Partial<Record<ScopeType, string>>> = {
  provider: {}, tenant: {}, site: { site: 'siteId' }, cluster: { site: 'siteId', cluster: 'clusterId' },
};
const PARENT_FILTERS: Record<BuiltinParent, string[]> = { provider: [], tenant: [], site: ['siteId'], cluster: ['clusterId', 'siteId'] };

const pascal = (s: string) => s.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

type BuiltinParent = Exclude<ResourceParent, object>;

/** Under another resource: placed, scoped and counted as its parent row is. */
function underResource(parent: ResourceDef, column: string): Pick<ResourceDef, 'place' | 'scopeColumns' | 'filters' | 'clustersOf'> {
  return {
    async place(input, lookup) {
      const row = await lookup.visibleIn(parent, input[column]);
      if (!row) return { field: column, message: `no ${parent.singular} ${input[column]}` };
      const placed: Placement = { tenantId: row.tenantId };
      if (row.siteId !== undefined) placed.siteId = row.siteId;
      if (row.clusterId !== undefined) placed.clusterId = row.clusterId;
      return placed;
    },
    scopeColumns: Object.fromEntries(Object.entries(parent.scopeColumns).filter(([, col]) => col !== 'id')),
    filters: [column, ...parent.filters],
    clustersOf: parent.clustersOf,
  };
}

/**
 * A declaration with its defaults and its parent's rules: what the CRUD layers work with.
 * `parentDef` resolves a parent given as another resource.
 */
export function resourceDef(owner: string, d: ResourceDeclaration<any>, parentDef?: ResourceDef): ResourceDef {
  const props = d.entity.meta.properties as Record<string, unknown>;
  const unique = d.unique ?? [];
  let parentRules: Pick<ResourceDef, 'place' | 'scopeColumns' | 'filters' | 'clustersOf'>;
  if (typeof d.parent === 'object') {
    if (!parentDef) throw new Error(`resource "${d.name}": its parent resource is not declared`);
    parentRules = underResource(parentDef, d.parent.column);
  } else {
    const p: BuiltinParent = d.parent;
    parentRules = {
      place: PLACE[p], scopeColumns: PARENT_SCOPES[p], filters: PARENT_FILTERS[p],
      clustersOf: p === 'cluster' ? (r) => [r.clusterId as number] : () => null,
    };
  }
  return {
    owner, name: d.name, singular: d.singular, entity: d.entity as EntitySchema<any>, input: d.input, parent: d.parent, parentDef,
    permission: d.permission ?? `${owner}.${d.singular}`,
    changeEntity: owner === 'core' ? d.singular : `${owner}.${d.singular}`,
    path: owner === 'core' ? `/api/${d.name}` : `/api/plugins/${owner}/${d.name}`,
    schemaName: `${owner === 'core' ? '' : pascal(owner)}${pascal(d.singular)}Input`,
    search: d.search ?? [], secrets: d.secrets ?? [], unique,
    filters: [...new Set([...parentRules.filters, ...(d.filters ?? [])])],
    scopeColumns: { ...parentRules.scopeColumns, ...d.scopes },
    place: parentRules.place,
    children: (d.children ?? []) as ResourceDef['children'],
    copyDefaults: d.copyDefaults ?? ((row) => ('name' in props ? copyName(row) : {})),
    clustersOf: d.clusters ?? parentRules.clustersOf,
    check: d.check, afterWrite: d.afterWrite as ResourceDef['afterWrite'],
    defaultSort: d.defaultSort ?? 'id',
  };
}

/** The core's objects, declared as a plugin declares its own. */
export const resources: ResourceDef[] = [
  defineResource({
    name: 'tenants', singular: 'tenant', entity: TenantSchema, input: TenantInput, parent: 'provider',
    search: ['name', 'description'], unique: [['name']], children: [{ entity: SiteSchema, column: 'tenantId', label: 'sites' }],
  }),
  defineResource({
    name: 'sites', singular: 'site', entity: SiteSchema, input: SiteInput, parent: 'tenant', filters: ['tenantId'], scopes: { site: 'id' },
    search: ['name', 'description'], unique: [['tenantId', 'name']], children: [{ entity: ClusterSchema, column: 'siteId', label: 'clusters' }],
  }),
  defineResource({
    name: 'clusters', singular: 'cluster', entity: ClusterSchema, input: ClusterInput, parent: 'site', scopes: { cluster: 'id' },
    search: ['name', 'description', 'vip'], unique: [['tenantId', 'name']],
    children: [
      { entity: ServerSchema, column: 'clusterId', label: 'servers' },
      { entity: ExtensionSchema, column: 'clusterId', label: 'extensions' },
      { entity: TrunkSchema, column: 'clusterId', label: 'trunks' },
    ],
    clusters: (r) => [r.id],
  }),
  defineResource({
    name: 'servers', singular: 'server', entity: ServerSchema, input: ServerInput, parent: 'cluster',
    search: ['name', 'host'], secrets: ['sshPassword', 'sshPrivateKey', 'amiSecret', 'ariPassword'], unique: [['tenantId', 'name']],
  }),
  defineResource({
    name: 'groups', singular: 'group', entity: GroupSchema, input: GroupInput, parent: 'tenant', scopes: { group: 'id' },
    search: ['name', 'description', 'context'], unique: [['tenantId', 'name']],
    children: [{ entity: ExtensionSchema, column: 'groupId', label: 'extensions' }],
  }),
  defineResource({
    name: 'extensions', singular: 'extension', entity: ExtensionSchema, input: ExtensionInput, parent: 'cluster',
    filters: ['groupId'], scopes: { group: 'groupId' },
    search: ['name', 'extension', 'callerId', 'mailbox', 'accountCode'], secrets: ['secret', 'vmSecret', 'md5Secret'],
    unique: [['clusterId', 'extension']],
    // A copy is a template for a new extension: the caller gives the number; secrets are not copied.
    copyDefaults: () => ({ secret: null, vmSecret: null, md5Secret: null, phoneMac: null }),
    async check(em, row) {
      if (row.groupId == null) return [];
      const g = await em.findOne(GroupSchema, { id: row.groupId, tenantId: row.tenantId });
      return g ? [] : [{ field: 'groupId', message: `no group ${row.groupId}` }];
    },
  }),
  defineResource({
    name: 'trunks', singular: 'trunk', entity: TrunkSchema, input: TrunkInput, parent: 'cluster',
    search: ['name', 'host', 'username'], secrets: ['secret'], unique: [['clusterId', 'name']],
  }),
  defineResource({
    name: 'acls', singular: 'acl', entity: AclSchema, input: AclInput, parent: 'tenant',
    search: ['name', 'description'], unique: [['tenantId', 'name']],
  }),
].map((d) => resourceDef('core', d as ResourceDeclaration<any>));

/** `refs.find` of a resource check: the core object through the write's parent lookup (the caller's scope). */
export function coreRefs(lookup: ParentLookup): CoreRefs {
  return {
    find(kind, id) {
      const def = resources.find((r) => r.singular === kind);
      return def && Number.isInteger(id) ? lookup.visibleIn(def, id) : Promise.resolve(null);
    },
  };
}

export function resource(name: string): ResourceDef {
  const r = resources.find((x) => x.name === name || x.singular === name);
  if (!r) throw new Error(`no resource "${name}"`);
  return r;
}
