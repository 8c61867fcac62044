import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { z } from 'zod';
import {
  AclSchema, ClusterSchema, ExtensionSchema, GroupSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema,
} from './entities.ts';
import { AclInput, ClusterInput, ExtensionInput, GroupInput, ServerInput, SiteInput, TenantInput, TrunkInput } from './schemas.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { truncateUtf8 } from '../../sdk/asterisk-syntax.ts';

type ScopeType = 'site' | 'cluster' | 'group';

/** Where a new or moved row sits: its tenant and, below that, its site and cluster. */
export interface Placement { tenantId: number; siteId?: number; clusterId?: number }

export interface ParentLookup {
  /** A row of `entity` the principal may see, or null. */
  visible(entity: EntitySchema<any>, id: number): Promise<Record<string, any> | null>;
  defaultTenantId(): Promise<number>;
}

/**
 * What the generic CRUD service needs to know about one core object. Everything that differs
 * between objects is here; the service and the HTTP and CLI layers are shared.
 */
export interface ResourceDef {
  /** Plural path segment: /api/<name>. */
  name: string;
  singular: string;
  entity: EntitySchema<any>;
  input: z.ZodObject<any>;
  /** `core.<resource>` — reads need `:read`, changes `:write`. */
  permission: string;
  /** Columns `q` searches. */
  search: string[];
  /** Columns that may filter a list (`?clusterId=`). */
  filters: string[];
  /** Never returned by the API; answered as `<field>Set: true|false`. */
  secrets: string[];
  /** The column holding each scope type's id (`id` for the object itself). */
  scopeColumns: Partial<Record<ScopeType, string>>;
  /** Which columns are unique together (within tenant or cluster); the last names the field in errors. */
  unique: string[][];
  /** Derives tenant/site/cluster from the parent named in the input, checking it is visible. */
  place(input: Record<string, any>, lookup: ParentLookup, user: Principal): Promise<Placement | { field: string; message: string }>;
  /** Children that block a delete. */
  children?: { entity: EntitySchema<any>; column: string; label: string }[];
  /** Fields changed on a copy so the copy is valid (e.g. a new name). */
  copyDefaults(row: Record<string, any>): Record<string, any>;
  /** The cluster whose config this row affects, or null when it affects every cluster of the tenant. */
  clusterOf(row: Record<string, any>): number | null;
  /** Extra checks needing the database. */
  check?(em: EntityManager, row: Record<string, any>): Promise<{ field: string; message: string }[]>;
}

async function tenantPlacement(input: Record<string, any>, lookup: ParentLookup, user: Principal): Promise<Placement | { field: string; message: string }> {
  if (user.tenantId !== null) {
    if (input.tenantId !== undefined && input.tenantId !== user.tenantId) return { field: 'tenantId', message: 'not your tenant' };
    return { tenantId: user.tenantId };
  }
  if (input.tenantId === undefined) return { tenantId: await lookup.defaultTenantId() };
  const t = await lookup.visible(TenantSchema, input.tenantId);
  return t ? { tenantId: t.id } : { field: 'tenantId', message: `no tenant ${input.tenantId}` };
}

async function underSite(input: Record<string, any>, lookup: ParentLookup): Promise<Placement | { field: string; message: string }> {
  const site = await lookup.visible(SiteSchema, input.siteId);
  return site ? { tenantId: site.tenantId, siteId: site.id } : { field: 'siteId', message: `no site ${input.siteId}` };
}

async function underCluster(input: Record<string, any>, lookup: ParentLookup): Promise<Placement | { field: string; message: string }> {
  const cluster = await lookup.visible(ClusterSchema, input.clusterId);
  return cluster ? { tenantId: cluster.tenantId, siteId: cluster.siteId, clusterId: cluster.id } : { field: 'clusterId', message: `no cluster ${input.clusterId}` };
}

/** `<name>-copy`, the name cut on a character boundary so the copy stays within 79 bytes and keeps its suffix. */
const copyName = (row: Record<string, any>) => ({ name: `${truncateUtf8(String(row.name), 79 - '-copy'.length)}-copy` });

export const resources: ResourceDef[] = [
  {
    name: 'tenants', singular: 'tenant', entity: TenantSchema, input: TenantInput, permission: 'core.tenant',
    search: ['name', 'description'], filters: [], secrets: [], scopeColumns: {}, unique: [['name']],
    place: async (_i, lookup, user) => ({ tenantId: user.tenantId ?? (await lookup.defaultTenantId()) }),
    children: [{ entity: SiteSchema, column: 'tenantId', label: 'sites' }],
    copyDefaults: copyName, clusterOf: () => null,
  },
  {
    name: 'sites', singular: 'site', entity: SiteSchema, input: SiteInput, permission: 'core.site',
    search: ['name', 'description'], filters: ['tenantId'], secrets: [], scopeColumns: { site: 'id' }, unique: [['tenantId', 'name']],
    place: tenantPlacement, children: [{ entity: ClusterSchema, column: 'siteId', label: 'clusters' }],
    copyDefaults: copyName, clusterOf: () => null,
  },
  {
    name: 'clusters', singular: 'cluster', entity: ClusterSchema, input: ClusterInput, permission: 'core.cluster',
    search: ['name', 'description', 'vip'], filters: ['siteId'], secrets: [], scopeColumns: { site: 'siteId', cluster: 'id' },
    unique: [['tenantId', 'name']], place: underSite,
    children: [
      { entity: ServerSchema, column: 'clusterId', label: 'servers' },
      { entity: ExtensionSchema, column: 'clusterId', label: 'extensions' },
      { entity: TrunkSchema, column: 'clusterId', label: 'trunks' },
    ],
    copyDefaults: copyName, clusterOf: (r) => r.id,
  },
  {
    name: 'servers', singular: 'server', entity: ServerSchema, input: ServerInput, permission: 'core.server',
    search: ['name', 'host'], filters: ['clusterId', 'siteId'], secrets: ['sshPassword', 'sshPrivateKey', 'amiSecret', 'ariPassword'],
    scopeColumns: { site: 'siteId', cluster: 'clusterId' }, unique: [['tenantId', 'name']], place: underCluster,
    copyDefaults: copyName, clusterOf: (r) => r.clusterId,
  },
  {
    name: 'groups', singular: 'group', entity: GroupSchema, input: GroupInput, permission: 'core.group',
    search: ['name', 'description', 'context'], filters: [], secrets: [], scopeColumns: { group: 'id' },
    unique: [['tenantId', 'name']], place: tenantPlacement,
    children: [{ entity: ExtensionSchema, column: 'groupId', label: 'extensions' }],
    copyDefaults: copyName, clusterOf: () => null,
  },
  {
    name: 'extensions', singular: 'extension', entity: ExtensionSchema, input: ExtensionInput, permission: 'core.extension',
    search: ['name', 'extension', 'callerId', 'mailbox', 'accountCode'], filters: ['clusterId', 'siteId', 'groupId'],
    secrets: ['secret', 'vmSecret', 'md5Secret'], scopeColumns: { site: 'siteId', cluster: 'clusterId', group: 'groupId' },
    unique: [['clusterId', 'extension']], place: underCluster,
    // A copy is a template for a new extension: the caller gives the number; secrets are not copied.
    copyDefaults: () => ({ secret: null, vmSecret: null, md5Secret: null, phoneMac: null }),
    clusterOf: (r) => r.clusterId,
    async check(em, row) {
      if (row.groupId == null) return [];
      const g = await em.findOne(GroupSchema, { id: row.groupId, tenantId: row.tenantId });
      return g ? [] : [{ field: 'groupId', message: `no group ${row.groupId}` }];
    },
  },
  {
    name: 'trunks', singular: 'trunk', entity: TrunkSchema, input: TrunkInput, permission: 'core.trunk',
    search: ['name', 'host', 'username'], filters: ['clusterId', 'siteId'], secrets: ['secret'],
    scopeColumns: { site: 'siteId', cluster: 'clusterId' }, unique: [['clusterId', 'name']], place: underCluster,
    copyDefaults: copyName, clusterOf: (r) => r.clusterId,
  },
  {
    name: 'acls', singular: 'acl', entity: AclSchema, input: AclInput, permission: 'core.acl',
    search: ['name', 'description'], filters: [], secrets: [], scopeColumns: {}, unique: [['tenantId', 'name']],
    place: tenantPlacement, copyDefaults: copyName, clusterOf: () => null,
  },
];

export function resource(name: string): ResourceDef {
  const r = resources.find((x) => x.name === name || x.singular === name);
  if (!r) throw new Error(`no resource "${name}"`);
  return r;
}
