import type { ClusterSnapshotView, ConfigFileDeclaration, ConfigFileEntry, ConfigRenderer, ExtensionContextHook, ExtensionDialHook, ModuleVerifier } from '../../sdk/commit.ts';
import { PluginError } from '../../sdk/errors.ts';
import { UnsafeConfigValueError } from '../../sdk/config-text.ts';
import { toPluginView } from './snapshot.ts';
import { CORE_FILES, RenderError, sha256, type TextFile } from './render/index.ts';
import { DIALPLAN_FILE, renderDialplan, type DialSteps } from './render/dialplan.ts';
import { PJSIP_FILE, renderPjsip } from './render/pjsip.ts';
import { withMarker } from './render/markers.ts';
import { CORE_VERIFIERS } from './verify/index.ts';
import { DeployTargetRegistry } from './targets.ts';

/** The owner of the core's own files. */
export const CORE_OWNER = 'core';

/** One plain file name in acm's include dir (no directories, no dot files). */
const FILE_NAME = /^acm\/[A-Za-z0-9][A-Za-z0-9_.-]*\.conf$/;
const MODULE_NAME = /^[A-Za-z0-9_]+(\.so)?$/;
const MAIN_FILE = /^[a-z0-9_-]+\.conf$/;
/** A note is one comment line of an include stub. */
const NOTE = /^[\x20-\x7e]{1,200}$/;

interface Entry {
  readonly owner: string;
  readonly declaration: Readonly<ConfigFileDeclaration>;
  replaced?: { by: string; render: ConfigRenderer };
}

/**
 * Every config file acm renders, the core's and the plugins', each declared once up front:
 * commits render every entry for every cluster (empty when there is nothing, so an include never
 * names a missing file), `acm includes` lists them and the verifier of each module is looked up
 * here. The kernel declares plugins' files during their setup and forgets them when they stop.
 */
export class ConfigFileRegistry {
  private entries = new Map<string, Entry>();
  /** The plugins' files outside Asterisk's config dir (`ctx.commit.target`), forgotten with their plugin too. */
  readonly targets = new DeployTargetRegistry();
  /** The plugins' extension dial hooks (sdk/commit.ts), by key: the kernel's registrations. */
  private dialHooks: () => ReadonlyMap<string, ExtensionDialHook> = () => new Map();
  /** The plugins' extension context hooks (sdk/commit.ts), by key. */
  private contextHooks: () => ReadonlyMap<string, ExtensionContextHook> = () => new Map();

  constructor() {
    for (const f of CORE_FILES) {
      const verify = CORE_VERIFIERS[f.reload];
      const render = f.name === DIALPLAN_FILE ? (s: ClusterSnapshotView) => this.renderDialplan(s)
        : f.name === PJSIP_FILE ? (s: ClusterSnapshotView) => this.renderPjsip(s) : f.render;
      this.entries.set(f.name, {
        owner: CORE_OWNER,
        declaration: { name: f.name, reload: f.reload, includeFrom: f.main, render, ...(verify ? { verify } : {}), ...(f.note ? { note: f.note } : {}) },
      });
    }
  }

  /** Where the dial hooks come from (the kernel is built after the registry). */
  useDialHooks(hooks: () => ReadonlyMap<string, ExtensionDialHook>): void {
    this.dialHooks = hooks;
  }

  /** Where the context hooks come from. */
  useContextHooks(hooks: () => ReadonlyMap<string, ExtensionContextHook>): void {
    this.contextHooks = hooks;
  }

  /** The core's pjsip.conf with the endpoint contexts plugins give (one hook per extension, plain names). */
  private async renderPjsip(s: ClusterSnapshotView): Promise<string> {
    const contexts = new Map<number, { hook: string; context: string }>();
    for (const [hook, h] of [...this.contextHooks().entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let mine: ReadonlyMap<number, string>;
      try {
        mine = await h.contexts(s);
      } catch (err) {
        throw new RenderError(`file ${PJSIP_FILE}`, undefined, `the context hook ${hook} failed: ${(err as Error).message}`);
      }
      for (const [id, context] of mine) {
        if (typeof context !== 'string' || !/^[A-Za-z0-9_-]{1,79}$/.test(context)) {
          throw new RenderError(`file ${PJSIP_FILE}`, undefined, `the context hook ${hook} gave extension ${id} no plain context name: "${String(context).slice(0, 60)}"`);
        }
        const had = contexts.get(id);
        if (had) throw new RenderError(`file ${PJSIP_FILE}`, undefined, `the context hooks ${had.hook} and ${hook} both give extension ${id} a context`);
        contexts.set(id, { hook, context });
      }
    }
    return renderPjsip(s, new Map([...contexts].map(([id, c]) => [id, c.context])));
  }

  /** The core's dialplan with the steps plugins add where an extension rings. */
  private async renderDialplan(s: ClusterSnapshotView): Promise<string> {
    const steps: DialSteps = { before: new Map(), unavailable: new Map() };
    for (const [hook, h] of [...this.dialHooks().entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const when of ['before', 'unavailable'] as const) {
        const fn = when === 'before' ? h.steps : h.unavailable;
        if (!fn) continue;
        let mine: ReadonlyMap<number, readonly string[]>;
        try {
          mine = await fn.call(h, s);
        } catch (err) {
          throw new RenderError(`file ${DIALPLAN_FILE}`, undefined, `the dial hook ${hook} failed: ${(err as Error).message}`);
        }
        for (const [id, list] of mine) {
          if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) throw new RenderError(`file ${DIALPLAN_FILE}`, undefined, `the dial hook ${hook} gave extension ${id} no list of steps`);
          steps[when].set(id, [...(steps[when].get(id) ?? []), ...list.map((step) => ({ hook, step }))]);
        }
      }
    }
    return renderDialplan(s, steps);
  }

  /** Adds a plugin's file; throws a PluginError naming the plugin and what is wrong. */
  declare(plugin: string, d: ConfigFileDeclaration): void {
    const refuse = (why: string): never => { throw new PluginError(`plugin "${plugin}": config file "${String(d?.name)}" ${why}`); };
    if (typeof d?.name !== 'string' || !FILE_NAME.test(d.name)) refuse('must be named acm/<plain file name>.conf');
    const taken = this.entries.get(d.name);
    if (taken) refuse(`is declared already, by ${ownerName(taken.owner)}`);
    if (typeof d.reload !== 'string' || !MODULE_NAME.test(d.reload)) refuse(`reload: "${String(d.reload)}" is not a module name`);
    if (typeof d.includeFrom !== 'string' || !MAIN_FILE.test(d.includeFrom)) refuse(`includeFrom: "${String(d.includeFrom)}" is not a main config file name`);
    if (typeof d.render !== 'function') refuse('needs a render function');
    if (d.note !== undefined && (typeof d.note !== 'string' || !NOTE.test(d.note))) refuse('note: must be one line of printable ASCII, at most 200 characters');
    if (d.verify !== undefined) {
      if (typeof d.verify?.verify !== 'function') refuse('verify: must be a ModuleVerifier ({ verify(input) })');
      // One proof per module: a plugin's verifier may not stand in for the core's (or another plugin's).
      const other = [...this.entries.values()].find((e) => e.declaration.reload === d.reload && e.declaration.verify && e.declaration.verify !== d.verify);
      if (other) refuse(`verify: ${d.reload} is verified already, by ${ownerName(other.owner)}; leave verify out`);
    }
    this.entries.set(d.name, {
      owner: plugin,
      declaration: Object.freeze({
        name: d.name, reload: d.reload, includeFrom: d.includeFrom, render: d.render,
        ...(d.verify ? { verify: d.verify } : {}), ...(d.note ? { note: d.note } : {}),
      }),
    });
  }

  /**
   * A site module's renderer for one declared file. `requires` are the module's required
   * plugins: a plugin's file is replaced only by a module that requires that plugin, so the
   * plugin cannot go (or come back) under it.
   */
  replaceRenderer(module: string, requires: readonly string[], name: string, render: ConfigRenderer): void {
    const refuse = (why: string): never => { throw new PluginError(`site module "${module}": cannot replace the renderer of "${String(name)}": ${why}`); };
    const entry = typeof name === 'string' ? this.entries.get(name) : undefined;
    if (!entry) refuse(`no such file is declared (declared: ${[...this.entries.keys()].sort().join(', ')})`);
    if (typeof render !== 'function') refuse('the renderer must be a function');
    if (entry!.replaced) refuse(`it is replaced already, by site module "${entry!.replaced.by}"`);
    if (entry!.owner !== CORE_OWNER && !requires.includes(entry!.owner)) refuse(`it belongs to plugin "${entry!.owner}", which the module does not require`);
    entry!.replaced = { by: module, render };
  }

  /** Drops what a plugin declared or replaced (it stopped, or its setup failed). */
  forget(plugin: string): void {
    this.targets.forget(plugin);
    for (const [name, e] of this.entries) {
      if (e.owner === plugin) this.entries.delete(name);
      else if (e.replaced?.by === plugin) delete e.replaced;
    }
  }

  /** Every declared file, by name. */
  list(): ConfigFileEntry[] {
    const verifiedBy = new Map<string, string>();
    for (const e of this.entries.values()) if (e.declaration.verify) verifiedBy.set(e.declaration.reload, e.owner);
    return this.sorted().map(({ owner, declaration: d, replaced }) => ({
      name: d.name, reload: d.reload, includeFrom: d.includeFrom, owner, renderedBy: replaced?.by ?? owner,
      verifiedBy: verifiedBy.get(d.reload) ?? null, ...(d.note ? { note: d.note } : {}),
    }));
  }

  /** The verifier of each module that has one. */
  verifiers(): Map<string, ModuleVerifier> {
    const out = new Map<string, ModuleVerifier>();
    for (const e of this.entries.values()) if (e.declaration.verify) out.set(e.declaration.reload, e.declaration.verify);
    return out;
  }

  /** True for a file the core renders itself: its text depends on the cluster's snapshot only. */
  renderedByCore(name: string): boolean {
    const e = this.entries.get(name);
    if (name === DIALPLAN_FILE && this.dialHooks().size) return false;
    if (name === PJSIP_FILE && this.contextHooks().size) return false;
    return !!e && e.owner === CORE_OWNER && !e.replaced;
  }

  /**
   * Renders every declared file for one cluster, sorted by name, each with its marker. Renderers
   * get the frozen, credential-free view. `reuse` holds files rendered earlier from the same
   * snapshot: those the core renders itself are taken from there instead of rendered again.
   * Throws (RenderError, UnsafeConfigValueError) rather than return anything unsafe.
   */
  async render(snapshot: ClusterSnapshotView, reuse: ReadonlyMap<string, TextFile> = new Map()): Promise<TextFile[]> {
    const view = toPluginView(snapshot);
    const out: TextFile[] = [];
    for (const { owner, declaration: d, replaced } of this.sorted()) {
      const kept = !replaced && owner === CORE_OWNER ? reuse.get(d.name) : undefined;
      if (kept) { out.push(kept); continue; }
      const object = `file ${d.name}`;
      const by = replaced ? `site module ${replaced.by}` : ownerName(owner);
      let body: unknown;
      try {
        body = await (replaced?.render ?? d.render)(view);
      } catch (err) {
        if (err instanceof RenderError || err instanceof UnsafeConfigValueError) throw err;
        throw new RenderError(object, undefined, `the renderer of ${by} failed: ${(err as Error).message}`);
      }
      if (typeof body !== 'string') throw new RenderError(object, undefined, `the renderer of ${by} returned no text`);
      checkContent(object, body);
      const content = withMarker(object, d.reload, body);
      out.push({ name: d.name, content, reload: d.reload, sha256: sha256(content) });
    }
    return out;
  }

  private sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => (a.declaration.name < b.declaration.name ? -1 : a.declaration.name > b.declaration.name ? 1 : 0));
  }
}

const ownerName = (owner: string) => (owner === CORE_OWNER ? 'the core' : `plugin "${owner}"`);

/** Whoever renders it, no directive and no NUL/CR reaches a server. */
function checkContent(object: string, content: string): void {
  if (/[\0\r]/.test(content)) throw new RenderError(object, 'content', 'must not contain NUL or CR characters');
  content.split('\n').forEach((line, i) => {
    if (/^\s*#/.test(line)) throw new RenderError(object, 'content', `line ${i + 1}: #include/#exec and other directives are not allowed`);
  });
}
