import type { EntitySchema, EntityManager, MigrationObject } from '@mikro-orm/core';
import type { Context as KoaContext } from 'koa';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ManifestInput } from './manifest.ts';
import type { ExtensionPoint, ServiceRef } from './refs.ts';
import type { EventBus } from './bus.ts';
import type { AmiEvent } from './core-services.ts';
import type { ConfigFileDeclaration, ConfigRenderer, DeployTargetDeclaration } from './commit.ts';
import type { PluginResources } from './resources.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler sees: the koa context plus the caller. */
export interface RouteContext {
  koa: KoaContext;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  user: Principal;
}

/** The authenticated caller, with the scope checks the core applies to its own lists. */
export interface Principal {
  userId: number;
  username: string;
  role: string;
  tenantId: number | null;
  permissions: string[];
  scopes: { type: 'site' | 'cluster' | 'group'; id: number }[];
  can(permission: string): boolean;
}

export interface PluginHttp {
  /** Mounts a route at `/api/plugins/<id><path>`; every route names the permission it needs. */
  route(method: HttpMethod, path: string, permission: string, handler: (c: RouteContext) => unknown | Promise<unknown>): void;
}

export interface PluginDb {
  /** A fresh EntityManager fork for one unit of work. */
  em(): EntityManager;
  /**
   * A configuration write, as the core's own objects are written: `fn` writes its rows with
   * `tx.em` and names each object it changed with `tx.changed(...)`; the rows, a ChangeSet entry
   * ("changes waiting") per affected cluster and the audit event commit in one transaction, then
   * the change is published on the bus. Nothing is written when `fn` throws; refused while the
   * license is read-only. Inside `fn` query only through `tx.em`: on SQLite another unit of
   * work (`db.em()`, the model service) waits for this transaction, which waits for it.
   */
  write<T>(actor: WriteActor, fn: (tx: ConfigWrite) => Promise<T>): Promise<T>;
}

/** Who writes: the caller of a route (`{ user: c.user, ip: c.koa.ip }`) or a CLI operator. */
export interface WriteActor {
  user: Principal;
  ip?: string | null;
}

export interface ConfigWrite {
  readonly em: EntityManager;
  /** Records one changed object (after `em.flush()`, so a new row has its id). */
  readonly changed: (change: ConfigChange) => void;
}

/** One object a write changed. */
export interface ConfigChange {
  /** `<plugin>.<object>`, e.g. `conference.room`: the ChangeSet entity, the audit target and action prefix. */
  entity: string;
  action: 'create' | 'update' | 'delete';
  id: number;
  tenantId: number;
  /**
   * The clusters whose rendered files it changes, each getting its own ChangeSet entry; `null`:
   * tenant-wide (settled only by a commit of every cluster); `[]`: no rendered file (audit only).
   */
  clusterIds: readonly number[] | null;
  /** The object as the API shows it (no secrets). */
  before?: object | null;
  after?: object | null;
}

export interface PluginJobs {
  /** Runs `fn` every `intervalMs` while the plugin is started; overlapping runs are skipped. */
  every(intervalMs: number, name: string, fn: () => Promise<void> | void): void;
}

export interface PluginCli {
  /** Adds commands under `acm <plugin-id> …`. */
  commands(register: (group: Command, cli: CliContext) => void): void;
}

/** What a plugin's commands get when `acm <plugin-id> …` runs. */
export interface CliContext {
  /**
   * Who runs the command: the console operator, the same administrator the core's own commands
   * act as (`cli:<OS user>`). Pass it as the user (`{ user: cli.operator }`) so writes are
   * scoped and audited under that name.
   */
  readonly operator: Principal;
}

export interface PluginAmi {
  /** Handles an AMI event by name (`*` = all) from every server while the plugin runs. */
  on(event: string, handler: (e: AmiEvent) => void): void;
}

export interface PluginCommit {
  /**
   * Declares one config file the plugin renders for every cluster at every commit (sdk/README
   * §5). Refused when the name is not `acm/<plain name>.conf`, is declared already (by the core
   * or another plugin), or when `verify` would replace another file's proof of the same module.
   */
  file(declaration: ConfigFileDeclaration): void;
  /**
   * Site modules only: renders the declared file `name` (e.g. `acm/musiconhold.acm.conf`) with
   * `render` instead of its owner's renderer; reload, include and verification stay the owner's.
   * Refused for an unknown file, a file already replaced, or a plugin's file whose plugin the
   * module does not `requires`.
   */
  replaceRenderer(name: string, render: ConfigRenderer): void;
  /**
   * Declares files the plugin pushes per server outside Asterisk's config dir, with their
   * reload and verify (sdk/README §5). Refused when the name is not plain or is declared already
   * by the plugin; each render is checked at every commit (absolute path, no `..`, one file per
   * path and server, a server of the cluster).
   */
  target(declaration: DeployTargetDeclaration): void;
}

export interface PluginEvents {
  /**
   * Forwards the plugin's bus events `acm.<t>.<c>.<s>.<plugin>.<event>` to browsers over
   * `GET /api/events` as `{ type: 'plugin', plugin, event, tenantId, clusterId, serverId, data }`,
   * to each user who holds `permission` (one of the manifest's permissions, or a `core.*` one) and
   * sees the subject's placement as the core's live events are filtered: the user's tenant, then
   * their site/cluster scopes (the site is the cluster's). An event placed on no tenant (`acm.0.…`)
   * reaches only users of no tenant and no scope; one naming a cluster acm does not know, nobody.
   */
  toBrowsers(spec: { event: string; permission: string }): void;
}

export interface PluginLifecycle {
  onStart(fn: () => Promise<void> | void): void;
  onStop(fn: () => Promise<void> | void): void;
}

/**
 * What `setup` gets. Everything a plugin registers (routes, jobs, AMI handlers, bus subscriptions,
 * CLI commands, config files, deploy targets, lifecycle hooks, services, extension-point entries) is
 * registered during `setup`: a registration method called after setup returned throws a
 * PluginError naming the plugin and the call (`plugin "conference": ctx.jobs.every called after
 * setup`), so disabling a plugin removes exactly what it registered.
 */
export interface PluginContext<Settings = unknown> {
  readonly id: string;
  readonly site: string;
  readonly settings: Settings;
  readonly logger: Logger;
  readonly http: PluginHttp;
  readonly db: PluginDb;
  /** Objects with API, CLI, OpenAPI and UI table from one declaration (sdk/resources.ts). */
  readonly resources: PluginResources;
  /**
   * The bus (subject scheme in sdk/bus.ts). `publish` only under the plugin's own id as source;
   * `subscribe` delivers while the plugin is started, like `ami.on`.
   */
  readonly bus: EventBus;
  readonly jobs: PluginJobs;
  readonly ami: PluginAmi;
  readonly commit: PluginCommit;
  readonly cli: PluginCli;
  /** Which of the plugin's bus events browsers get (a registration, like `ami.on`). */
  readonly events: PluginEvents;
  readonly lifecycle: PluginLifecycle;
  /** A core service, or a service of a plugin this one `requires`. */
  get<T>(ref: ServiceRef<T>): T;
  /**
   * A service of a plugin this one `requires` or lists as `optional`, or undefined while that
   * plugin is not running. Ask at each use: an optional plugin may be enabled or disabled later.
   */
  find<T>(ref: ServiceRef<T>): T | undefined;
  /** Offers a service to plugins that require this one. */
  provide<T>(ref: ServiceRef<T>, impl: T): void;
  /** Registers into an extension point under a unique key (a second registration of a key fails start). */
  extend<T>(point: ExtensionPoint<T>, key: string, value: T): void;
  /** Everything registered into a point; only its owner (the plugin its id starts with) reads it. */
  registrations<T>(point: ExtensionPoint<T>): ReadonlyMap<string, T>;
}

export interface PluginDefinition<M extends ManifestInput = ManifestInput> {
  manifest: M;
  entities?: EntitySchema<any>[];
  migrations?: { sqlite: MigrationObject[]; mysql: MigrationObject[] };
  setup(ctx: PluginContext<M['settings'] extends z.ZodType ? z.output<M['settings']> : unknown>): void | Promise<void>;
}

/** A plugin is a value: the kernel decides when to call `setup`. */
export function definePlugin<const M extends ManifestInput>(def: PluginDefinition<M>): PluginDefinition<M> {
  return def;
}
