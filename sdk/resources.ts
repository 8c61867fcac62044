import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { z } from 'zod';
import type { FieldProblem } from './errors.ts';
import type { Principal, WriteActor } from './plugin.ts';

/**
 * Where a row sits, which decides who sees it and where a new one goes. `cluster`: the body names
 * `clusterId`, the row gets that cluster's tenant, site and cluster; `site`: `siteId`; `tenant`:
 * the caller's tenant (a provider user may name `tenantId`). `provider` is the core's tenants.
 */
export type ResourceParent = 'provider' | 'tenant' | 'site' | 'cluster' | ResourceParentRef;

/**
 * A row under another resource of the same plugin (an HA group's nodes): the body names the
 * parent's id in `column`; the row takes the parent's tenant, site and cluster (its entity has
 * the same columns), is seen by whoever sees the parent, and affects the parent's clusters.
 */
export interface ResourceParentRef { resource: Resource<any>; column: string }

/** The core objects a resource's rows may name (`extensionId`, `groupId`…). */
export type CoreObjectKind = 'tenant' | 'site' | 'cluster' | 'server' | 'group' | 'extension' | 'trunk' | 'acl';

export interface CoreRefs {
  /** The core object of that kind and id the caller may see (their tenant and scope), or null. */
  find(kind: CoreObjectKind, id: number): Promise<Record<string, any> | null>;
}

/** One object a declared resource changed, after its transaction committed. */
export interface ResourceWrite<Row = Record<string, any>> {
  action: 'create' | 'update' | 'delete';
  /** The stored rows (secrets included): `before` null on create, `after` null on delete. */
  before: Row | null;
  after: Row | null;
  actor: WriteActor;
}

/**
 * One declaration gives a resource everything a core object has (sdk/README §1): list with
 * search, sort, filters and pages; get, create, update (only the fields named), delete and copy,
 * over HTTP, in the OpenAPI document, as CLI commands and for the shared UI table and form;
 * writes that validate, then store the row, a ChangeSet entry for each cluster it affects and the
 * audit event in one transaction, then publish the change.
 */
export interface ResourceDeclaration<Row = Record<string, any>> {
  /** Plural path segment: `/api/plugins/<plugin>/<name>`, `acm <plugin> <name> …`. */
  name: string;
  /** `room`: in messages, the ChangeSet entity `<plugin>.<singular>` and the default permission. */
  singular: string;
  /** Its table: needs `tenantId` (and `siteId`/`clusterId` for those parents), `createdAt`, `updatedAt`. */
  entity: EntitySchema<Row, any>;
  /** The one schema of API, CLI and import; a PUT checks the fields it names, then the merged object whole. */
  input: z.ZodObject<any>;
  parent: ResourceParent;
  /** Reads need `<permission>:read`, writes `:write`; default `<plugin>.<singular>` (must be in the manifest). */
  permission?: string;
  /** Columns `q` searches (case-insensitive substring). */
  search?: string[];
  /** Id columns a list may filter by (`?clusterId=3`); the parent's id column is always one. */
  filters?: string[];
  /** Never answered; views carry `<field>Set: true|false` instead. */
  secrets?: string[];
  /** Further scope columns: a user scoped to a group sees rows whose `groupId` is theirs, etc. */
  scopes?: Partial<Record<'site' | 'cluster' | 'group', string>>;
  /** Columns unique together; the last names the field of the 422. Null values never clash. */
  unique?: string[][];
  /** Rows elsewhere that point at this one: they block a delete, or with `cascade` are deleted with it. */
  children?: { entity: EntitySchema<any, any>; column: string; label: string; cascade?: boolean }[];
  /** Fields a copy changes so it is valid (a new number, say); default: `name` + `-copy` when there is one. */
  copyDefaults?(row: Row): Record<string, unknown>;
  /**
   * The clusters whose rendered files a row changes. Default: its own cluster for the `cluster`
   * parent, else `null` (every cluster of the tenant). `[]`: no file (audit only).
   */
  clusters?(row: Row): readonly number[] | null;
  /**
   * Checks that need the database or the plugin's state, inside the write's transaction (query
   * only with `em`); `refs` finds the core objects a row names, as the caller may see them.
   */
  check?(em: EntityManager, values: Row, existing: Row | null, refs: CoreRefs): Promise<FieldProblem[]> | FieldProblem[];
  /** After a write committed (schedulers, caches); a failure here is logged, the write stands. */
  afterWrite?(write: ResourceWrite<Row>): Promise<void> | void;
  /** The column a list is sorted by when the caller names none (then by id); default id. */
  defaultSort?: string;
}

export interface ResourcePage { items: Record<string, unknown>[]; total: number; page: number; pageSize: number }

/** What `ctx.resources.define` returns: the same operations its routes and commands use, for the plugin's own code. */
export interface Resource<Row = Record<string, any>> {
  readonly declaration: ResourceDeclaration<Row>;
  /** `{ q, sort, page, pageSize, <filter> }` as the list route takes them. */
  list(user: Principal, query: Record<string, unknown>): Promise<ResourcePage>;
  /** The view (secrets as `<field>Set`); 404 when the user may not see it. */
  get(user: Principal, id: number): Promise<Record<string, unknown>>;
  /** The stored row, secrets included, for rendering and actions; 404 when the user may not see it. */
  row(user: Principal, id: number): Promise<Row>;
  /** A stored row as the API answers it: secrets as `<field>Set`, dates as ISO 8601 text. */
  view(row: Row): Record<string, unknown>;
  /** Every row (no user: for renderers, jobs and services), optionally of one cluster. */
  all(clusterId?: number): Promise<Row[]>;
  create(actor: WriteActor, body: unknown): Promise<Record<string, unknown>>;
  update(actor: WriteActor, id: number, body: unknown): Promise<Record<string, unknown>>;
  copy(actor: WriteActor, id: number, body: unknown): Promise<Record<string, unknown>>;
  remove(actor: WriteActor, id: number): Promise<void>;
}

export interface PluginResources {
  /**
   * Declares a resource (during setup): routes `GET|POST /<name>`, `GET|PUT|DELETE /<name>/:id`,
   * `POST /<name>/:id/copy`, commands `acm <plugin> <name> list|get|add|update|delete|copy`, its
   * schema `<Plugin><Singular>Input` in /api/openapi.json. Refused (naming the plugin) for a name
   * declared twice, a permission not in the manifest, the `provider` parent, or an entity without
   * the parent's columns.
   */
  define<Row extends Record<string, any>>(declaration: ResourceDeclaration<Row>): Resource<Row>;
}

/** Types a declaration (a value, like definePlugin). */
export function defineResource<Row extends Record<string, any>>(declaration: ResourceDeclaration<Row>): ResourceDeclaration<Row> {
  return declaration;
}
