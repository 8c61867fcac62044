import 'reflect-metadata';
import { Container } from 'inversify';
import Router, { type RouterMiddleware } from '@koa/router';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Command } from 'commander';
import type { Middleware } from 'koa';
import type { Manifest } from '../../sdk/manifest.ts';
import type { CliContext, PluginContext, PluginDefinition, Principal, RouteContext } from '../../sdk/plugin.ts';
import type { ExtensionPoint, ServiceRef } from '../../sdk/refs.ts';
import type { AuditService, KernelInfo, LicenseService } from '../../sdk/core-services.ts';
import { coreServices, type AmiService } from '../../sdk/core-services.ts';
import { subjectProblem, type EventBus } from '../../sdk/bus.ts';
import { ConflictError, ForbiddenError, NotFoundError, PluginError, UnauthorizedError } from '../../sdk/errors.ts';
import { pluginWriter } from '../model/plugin-writes.ts';
import type { CrudService } from '../model/crud-service.ts';
import type { ResourceDef } from '../model/resources.ts';
import { definePluginResource } from './plugin-resources.ts';
import type { ConfigFileRegistry } from '../commit/files.ts';
import { BROWSER_EVENTS } from '../bus/subjects.ts';
import { orderByDependencies } from './order.ts';
import { PluginBound } from './plugin-bound.ts';
import { siteEntry, type DiscoveredPlugin, type SiteConfig } from './discovery.ts';

export interface KernelDeps {
  site: string;
  siteConfig: SiteConfig;
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  license: LicenseService;
  audit: AuditService;
  /** The config files commits render: plugins declare theirs here during setup. */
  files: ConfigFileRegistry;
  /** The CRUD behind every declared resource (`ctx.resources.define`), the core's own included. */
  crud: CrudService;
  /** Further core services by ref id (AMI, SSH, model…). */
  services: Record<string, unknown>;
  plugins: { discovered: DiscoveredPlugin; definition: PluginDefinition }[];
  /** Enable/disable choices saved by admins, over site.yaml. */
  savedStates: Map<string, boolean>;
  saveState(pluginId: string, enabled: boolean): Promise<void>;
  version: string;
}

interface Registration { point: string; key: string }

/** Everything one active plugin added, so disabling it removes exactly that. */
interface PluginRuntime {
  manifest: Manifest;
  definition: PluginDefinition;
  source: DiscoveredPlugin['source'];
  dir: string;
  container?: Container;
  router?: Router;
  registrations: Registration[];
  provided: string[];
  jobs: { name: string; intervalMs: number; fn: () => Promise<void> | void; timer?: NodeJS.Timeout; running?: Promise<void> }[];
  startHooks: (() => Promise<void> | void)[];
  stopHooks: (() => Promise<void> | void)[];
  cli: ((group: Command, cli: CliContext) => void)[];
  /** Declared with ctx.resources.define. */
  resources: ResourceDef[];
  started: boolean;
}

export interface PluginSummary {
  id: string; title: string; version: string; description?: string; source: string;
  enabled: boolean; licensed: boolean; started: boolean; requires: string[]; ui: Manifest['ui'];
}

/**
 * The plugin kernel: keeps the plugins the site enables and the license allows, orders them by
 * `requires`, runs setup then start, and can enable or disable one while running.
 */
export class Kernel {
  readonly container = new Container();
  private runtimes = new Map<string, PluginRuntime>();
  private points = new Map<string, Map<string, { plugin: string; value: unknown }>>();
  private providers = new Map<string, string>();
  private enabled = new Map<string, boolean>();
  private order: string[] = [];
  readonly startedAt = new Date();

  constructor(private deps: KernelDeps) {
    for (const { discovered, definition } of deps.plugins) {
      const id = discovered.manifest.id;
      this.runtimes.set(id, {
        manifest: discovered.manifest, definition, source: discovered.source, dir: discovered.dir, registrations: [], provided: [],
        jobs: [], startHooks: [], stopHooks: [], cli: [], resources: [], started: false,
      });
      this.enabled.set(id, deps.savedStates.get(id) ?? siteEntry(deps.siteConfig, id).enabled);
    }
    const info: KernelInfo = {
      version: deps.version, site: deps.site, startedAt: this.startedAt,
      plugins: () => this.list().map(({ id, title, version, enabled, licensed, started }) => ({ id, title, version, enabled, licensed, started })),
    };
    this.container.bind(coreServices.license.id).toConstantValue(deps.license);
    this.container.bind(coreServices.audit.id).toConstantValue(deps.audit);
    this.container.bind(coreServices.kernel.id).toConstantValue(info);
    for (const [id, impl] of Object.entries(deps.services)) this.container.bind(id).toConstantValue(impl);
  }

  private licensed(m: Manifest): boolean {
    return !m.license || this.deps.license.allows(m.license);
  }

  /** Active = enabled for the site and licensed. */
  private wanted(): PluginRuntime[] {
    return [...this.runtimes.values()].filter((r) => this.enabled.get(r.manifest.id) && this.licensed(r.manifest));
  }

  async start(): Promise<void> {
    for (const r of this.runtimes.values()) {
      if (this.enabled.get(r.manifest.id) && !this.licensed(r.manifest)) {
        this.deps.logger.warn({ plugin: r.manifest.id }, 'plugin enabled but not in the license; not started');
      }
    }
    let wanted = this.wanted();
    // A plugin whose dependency the license leaves out is skipped, not fatal: a license change
    // must never stop acm. (A dependency that is missing or disabled stays a start-up error.)
    for (;;) {
      const ids = new Set(wanted.map((r) => r.manifest.id));
      const blocked = wanted.filter((r) => r.manifest.requires.plugins.some((d) => !ids.has(d) && this.runtimes.has(d) && this.enabled.get(d) && !this.licensed(this.runtimes.get(d)!.manifest)));
      if (!blocked.length) break;
      for (const r of blocked) this.deps.logger.warn({ plugin: r.manifest.id }, 'plugin not started: a plugin it requires is not in the license');
      wanted = wanted.filter((r) => !blocked.includes(r));
    }
    const running = new Set(wanted.map((r) => r.manifest.id));
    const ordered = orderByDependencies(
      wanted.map((r) => ({ id: r.manifest.id, requires: [...r.manifest.requires.plugins, ...r.manifest.requires.optional.filter((d) => running.has(d))], r })),
      new Set(this.runtimes.keys()),
    );
    for (const { r } of ordered) await this.setup(r);
    for (const { r } of ordered) await this.startOne(r);
    this.order = ordered.map((o) => o.id);
  }

  async stop(): Promise<void> {
    for (const id of [...this.order].reverse()) await this.stopOne(this.runtimes.get(id)!);
    this.order = [];
  }

  private async setup(r: PluginRuntime): Promise<void> {
    const id = r.manifest.id;
    const settingsRaw = siteEntry(this.deps.siteConfig, id).settings;
    let settings: unknown = settingsRaw;
    if (r.manifest.settings) {
      const parsed = r.manifest.settings.safeParse(settingsRaw ?? {});
      if (!parsed.success) {
        throw new PluginError(`plugin "${id}": invalid settings in site.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      settings = parsed.data;
    }
    r.container = new Container({ parent: this.container });
    r.router = new Router({ prefix: `/api/plugins/${id}` });
    const { ctx, seal } = this.contextFor(r, settings);
    try {
      await r.definition.setup(ctx as PluginContext<any>);
    } catch (err) {
      this.undo(r);
      if (err instanceof PluginError) throw err;
      throw new PluginError(`plugin "${id}" failed in setup: ${(err as Error).message}`);
    } finally {
      // What a plugin registers is known once setup returns: disable removes exactly that, and
      // nothing can add to it later (a timer or a route handler calling ctx.jobs.every, say).
      seal();
    }
  }

  private async startOne(r: PluginRuntime): Promise<void> {
    for (const hook of r.startHooks) await hook();
    for (const job of r.jobs) {
      job.timer = setInterval(() => {
        if (job.running) return;
        job.running = Promise.resolve().then(job.fn).catch((err: Error) => this.deps.logger.error({ plugin: r.manifest.id, job: job.name, err: err.message }, 'job failed'))
          .finally(() => { job.running = undefined; });
      }, job.intervalMs);
      job.timer.unref();
    }
    r.started = true;
  }

  private async stopOne(r: PluginRuntime): Promise<void> {
    for (const job of r.jobs) clearInterval(job.timer);
    // A run still going would query a closed database (and on MySQL reopen its pool, so the process never ends).
    await Promise.all(r.jobs.map((job) => job.running));
    for (const hook of [...r.stopHooks].reverse()) {
      try { await hook(); } catch (err) { this.deps.logger.error({ plugin: r.manifest.id, err: (err as Error).message }, 'stop hook failed'); }
    }
    this.undo(r);
  }

  /** Removes everything a plugin registered. */
  private undo(r: PluginRuntime): void {
    for (const { point, key } of r.registrations) this.points.get(point)?.delete(key);
    for (const ref of r.provided) this.providers.delete(ref);
    this.deps.files.forget(r.manifest.id);
    Object.assign(r, { registrations: [], provided: [], jobs: [], startHooks: [], stopHooks: [], cli: [], resources: [], started: false, router: undefined, container: undefined });
  }

  /** The context one setup call gets; `seal` ends its registration window. */
  private contextFor(r: PluginRuntime, settings: unknown): { ctx: PluginContext<unknown>; seal(): void } {
    const id = r.manifest.id;
    // The context's methods are plain functions handed to plugin code; they reach the kernel here.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const kernel = this;
    const needsWrite = (method: string) => method !== 'GET';
    let open = true;
    const registering = (call: string) => {
      if (!open) throw new PluginError(`plugin "${id}": ctx.${call} called after setup`);
    };
    const bus = this.deps.bus;
    const ctx: PluginContext<unknown> = {
      id,
      site: this.deps.site,
      settings,
      logger: this.deps.logger.child({ plugin: id }),
      bus: {
        publish(subject, data) {
          const problem = subjectProblem(subject, id);
          if (problem) throw new PluginError(`plugin "${id}": bus subject "${subject}" ${problem}`);
          bus.publish(subject, data);
        },
        subscribe(pattern, handler) {
          registering('bus.subscribe');
          // Like ami.on: subscribed at start, dropped at stop.
          let off: (() => void) | undefined;
          let cancelled = false;
          r.startHooks.push(() => { if (!cancelled) off = bus.subscribe(pattern, handler); });
          r.stopHooks.push(() => { off?.(); off = undefined; });
          return () => { cancelled = true; off?.(); off = undefined; };
        },
      },
      db: { em: () => this.deps.orm.em.fork(), write: pluginWriter(id, this.deps) },
      http: {
        route(method, path, permission, handler) {
          registering('http.route');
          if (!permission.startsWith(`${id}.`) && !permission.startsWith('core.')) {
            throw new PluginError(`plugin "${id}": route ${method} ${path} names permission "${permission}" of another plugin`);
          }
          const mw: RouterMiddleware = async (koa) => {
            const user = koa.state.principal as Principal | undefined;
            if (!user) throw new UnauthorizedError();
            if (!user.can(permission)) throw new ForbiddenError(`missing permission ${permission}`);
            if (needsWrite(method)) kernel.deps.license.assertWritable();
            const rc: RouteContext = {
              koa, user, params: koa.params as Record<string, string>,
              query: koa.query as Record<string, string | undefined>,
              body: (koa.request as { body?: unknown }).body,
            };
            const result = await handler(rc);
            if (result !== undefined) koa.body = result;
          };
          r.router![method.toLowerCase() as 'get'](path, mw);
        },
      },
      jobs: { every: (intervalMs, name, fn) => { registering('jobs.every'); r.jobs.push({ name, intervalMs, fn }); } },
      ami: {
        on(event, handler) {
          registering('ami.on');
          // Subscribed at start, dropped at stop, so a disabled plugin hears nothing.
          let off: (() => void) | undefined;
          r.startHooks.push(() => { off = (kernel.container.get(coreServices.ami.id) as AmiService).on(event, handler); });
          r.stopHooks.push(() => off?.());
        },
      },
      commit: {
        file(declaration) {
          registering('commit.file');
          kernel.deps.files.declare(id, declaration);
        },
        replaceRenderer(name, render) {
          registering('commit.replaceRenderer');
          // A site's own choice: a shipped plugin does not re-render another's file.
          if (r.source !== 'site') throw new PluginError(`plugin "${id}": ctx.commit.replaceRenderer is for site modules (sites/<site>/modules) only`);
          kernel.deps.files.replaceRenderer(id, r.manifest.requires.plugins, name, render);
        },
        target(declaration) {
          registering('commit.target');
          kernel.deps.files.targets.declare(id, declaration);
        },
      },
      cli: { commands: (register) => { registering('cli.commands'); r.cli.push(register); } },
      resources: {
        define(declaration) {
          registering('resources.define');
          return definePluginResource({ id, manifest: r.manifest, http: ctx.http, cli: ctx.cli, crud: kernel.deps.crud, defs: r.resources }, declaration);
        },
      },
      events: {
        toBrowsers({ event, permission }) {
          registering('events.toBrowsers');
          if (subjectProblem(`acm.0.0.0.${id}.${event}`)) throw new PluginError(`plugin "${id}": browser event "${event}" is not one bus subject segment`);
          if (!r.manifest.permissions.includes(permission) && !permission.startsWith('core.')) {
            throw new PluginError(`plugin "${id}": browser event "${event}" names permission "${permission}", not one of its manifest's`);
          }
          ctx.extend(BROWSER_EVENTS, `${id}.${event}`, { plugin: id, event, permission });
        },
      },
      lifecycle: {
        onStart: (fn) => { registering('lifecycle.onStart'); r.startHooks.push(fn); },
        onStop: (fn) => { registering('lifecycle.onStop'); r.stopHooks.push(fn); },
      },
      find<T>(ref: ServiceRef<T>): T | undefined {
        const owner = kernel.providers.get(ref.id);
        if (!owner) {
          const { plugins, optional } = r.manifest.requires;
          if (![...plugins, ...optional].some((d) => ref.id.startsWith(`${d}.`))) throw new PluginError(`plugin "${id}" looks for service "${ref.id}" of a plugin it does not require`);
          return undefined;
        }
        return ctx.get(ref);
      },
      get<T>(ref: ServiceRef<T>): T {
        const owner = kernel.providers.get(ref.id);
        if (owner) {
          if (owner !== id && !r.manifest.requires.plugins.includes(owner) && !r.manifest.requires.optional.includes(owner)) {
            throw new PluginError(`plugin "${id}" uses service "${ref.id}" of "${owner}" without requiring "${owner}"`);
          }
          return kernel.runtimes.get(owner)!.container!.get<T>(ref.id);
        }
        if (!kernel.container.isBound(ref.id)) throw new PluginError(`plugin "${id}": no service "${ref.id}" (is its plugin enabled and required?)`);
        const impl = kernel.container.get<T | PluginBound<T>>(ref.id);
        return impl instanceof PluginBound ? impl.forPlugin(id) : impl;
      },
      provide<T>(ref: ServiceRef<T>, impl: T): void {
        registering('provide');
        const owner = kernel.providers.get(ref.id);
        if (owner) throw new PluginError(`service "${ref.id}" is provided twice: by "${owner}" and "${id}"`);
        r.container!.bind(ref.id).toConstantValue(impl);
        kernel.providers.set(ref.id, id);
        r.provided.push(ref.id);
      },
      extend<T>(point: ExtensionPoint<T>, key: string, value: T): void {
        registering('extend');
        let entries = kernel.points.get(point.id);
        if (!entries) kernel.points.set(point.id, (entries = new Map()));
        const prev = entries.get(key);
        if (prev) throw new PluginError(`extension point "${point.id}": key "${key}" registered twice, by "${prev.plugin}" and "${id}"`);
        entries.set(key, { plugin: id, value });
        r.registrations.push({ point: point.id, key });
      },
      registrations<T>(point: ExtensionPoint<T>): ReadonlyMap<string, T> {
        // A point belongs to the plugin that reads it (its id starts with the owner's id).
        const owner = point.id.slice(0, point.id.indexOf('.'));
        if (owner !== id) throw new PluginError(`plugin "${id}" reads extension point "${point.id}" of "${owner}"; only its owner reads it`);
        return kernel.registrations(point);
      },
    };
    return { ctx, seal: () => { open = false; } };
  }

  registrations<T>(point: ExtensionPoint<T>): ReadonlyMap<string, T> {
    return new Map([...(this.points.get(point.id) ?? new Map()).entries()].map(([k, v]) => [k, v.value as T]));
  }

  list(): PluginSummary[] {
    return [...this.runtimes.values()].map((r) => ({
      id: r.manifest.id, title: r.manifest.title, version: r.manifest.version, description: r.manifest.description,
      source: r.source, enabled: this.enabled.get(r.manifest.id) ?? false, licensed: this.licensed(r.manifest),
      started: r.started, requires: r.manifest.requires.plugins, ui: r.manifest.ui,
    })).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The folder a plugin was found in (its `ui/` pages are served from there). */
  pluginDir(id: string): string | undefined {
    return this.runtimes.get(id)?.dir;
  }

  isActive(id: string): boolean {
    return this.runtimes.get(id)?.started ?? false;
  }

  /** Koa middleware serving `/api/plugins/<id>/…` for active plugins; anything else is 404. */
  pluginRoutes(): Middleware {
    return async (koa, next) => {
      const m = /^\/api\/plugins\/([a-z][a-z0-9-]*)(\/|$)/.exec(koa.path);
      if (!m) return next();
      const r = this.runtimes.get(m[1]!);
      if (!r?.started || !r.router) throw new NotFoundError(`no plugin "${m[1]}" is active`);
      await r.router.routes()(koa as any, async () => {
        throw new NotFoundError(`${koa.method} ${koa.path} not found`);
      });
    };
  }

  /** The resources the started plugins declared (for the OpenAPI document). */
  resourceDefs(): ResourceDef[] {
    return this.order.flatMap((id) => this.runtimes.get(id)!.resources);
  }

  cliRegistrars(): { id: string; title: string; register: (group: Command, cli: CliContext) => void }[] {
    return this.order.flatMap((id) => {
      const r = this.runtimes.get(id)!;
      return r.cli.map((register) => ({ id, title: r.manifest.title, register }));
    });
  }

  async enable(id: string): Promise<PluginSummary> {
    const r = this.runtimes.get(id);
    if (!r) throw new NotFoundError(`no plugin "${id}"`);
    if (!this.licensed(r.manifest)) throw new ForbiddenError(`plugin "${id}" is not in the license`);
    const inactive = r.manifest.requires.plugins.filter((d) => !this.isActive(d));
    if (inactive.length) throw new ConflictError(`plugin "${id}" requires ${inactive.map((d) => `"${d}"`).join(', ')}; enable ${inactive.length > 1 ? 'them' : 'it'} first`);
    if (!r.started) {
      await this.setup(r);
      await this.startOne(r);
      this.order.push(id);
    }
    this.enabled.set(id, true);
    await this.deps.saveState(id, true);
    return this.list().find((p) => p.id === id)!;
  }

  async disable(id: string): Promise<PluginSummary> {
    const r = this.runtimes.get(id);
    if (!r) throw new NotFoundError(`no plugin "${id}"`);
    const dependents = this.order.filter((o) => this.runtimes.get(o)!.manifest.requires.plugins.includes(id));
    if (dependents.length) throw new ConflictError(`plugin "${id}" is required by ${dependents.map((d) => `"${d}"`).join(', ')}; disable ${dependents.length > 1 ? 'them' : 'it'} first`);
    if (r.started) {
      await this.stopOne(r);
      this.order = this.order.filter((o) => o !== id);
    }
    this.enabled.set(id, false);
    await this.deps.saveState(id, false);
    return this.list().find((p) => p.id === id)!;
  }
}
