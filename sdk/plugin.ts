import type { EntitySchema, EntityManager, MigrationObject } from '@mikro-orm/core';
import type { Context as KoaContext } from 'koa';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ManifestInput } from './manifest.ts';
import type { ExtensionPoint, ServiceRef } from './refs.ts';
import type { EventBus } from './bus.ts';
import type { AmiEvent } from './core-services.ts';
import type { ConfigContributor } from './commit.ts';

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
}

export interface PluginJobs {
  /** Runs `fn` every `intervalMs` while the plugin is started; overlapping runs are skipped. */
  every(intervalMs: number, name: string, fn: () => Promise<void> | void): void;
}

export interface PluginCli {
  /** Adds commands under `acm <plugin-id> …`. */
  commands(register: (group: Command) => void): void;
}

export interface PluginAmi {
  /** Handles an AMI event by name (`*` = all) from every server while the plugin runs. */
  on(event: string, handler: (e: AmiEvent) => void): void;
}

export interface PluginCommit {
  /** Contributes config files rendered per cluster at every commit (key = the plugin id). */
  contribute(contributor: ConfigContributor): void;
  /** The same under `<plugin>.<key>`, for a plugin that contributes several renderers. */
  contributeAs(key: string, contributor: ConfigContributor): void;
}

export interface PluginLifecycle {
  onStart(fn: () => Promise<void> | void): void;
  onStop(fn: () => Promise<void> | void): void;
}

/**
 * What `setup` gets. Everything a plugin registers (routes, jobs, AMI handlers, bus subscriptions,
 * CLI commands, commit contributions, lifecycle hooks, services, extension-point entries) is
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
  /**
   * The bus (subject scheme in sdk/bus.ts). `publish` only under the plugin's own id as source;
   * `subscribe` delivers while the plugin is started, like `ami.on`.
   */
  readonly bus: EventBus;
  readonly jobs: PluginJobs;
  readonly ami: PluginAmi;
  readonly commit: PluginCommit;
  readonly cli: PluginCli;
  readonly lifecycle: PluginLifecycle;
  /** A core service, or a service of a plugin this one `requires`. */
  get<T>(ref: ServiceRef<T>): T;
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
