/**
 * The configuration half of the simulated PBX: pjsip objects, dialplan and the other
 * config-driven modules, module reload/boot semantics, and endpoint ACL checks. PbxState
 * (state.ts) adds the runtime side (contacts, channels, queues, events).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { applyHa, parseHa, type HaRule } from './ha.ts';
import { dirSource } from './config-parser.ts';
import { Dialplan } from './dialplan.ts';
import { PjsipStore } from './pjsip.ts';
import { LOADED_MODULES } from './defaults.ts';
import { ModuleConfigs, RELOAD_ERROR, RELOAD_OK, type ReloadAnswer } from './modules.ts';
import { SimRoaming, type RoamingNode } from './roaming.ts';

/** Where the simulated Asterisk's files are and what its resolver knows. */
export interface PbxStateOptions {
  /** Root of the simulated filesystem (absolute Asterisk paths live under it). Default: configRoot/../.. */
  fsRoot?: string;
  /** astdatadir as Asterisk sees it (default /var/lib/asterisk). */
  astDataDir?: string;
  /** Host names the simulated resolver knows (identify `match`); default none. */
  hosts?: Record<string, string[]>;
}

export class PbxConfig extends EventEmitter {
  readonly pjsip: PjsipStore;
  readonly dialplan = new Dialplan();
  /** acl, res_musiconhold, app_voicemail, res_parking, app_confbridge. */
  readonly modules: ModuleConfigs;
  /** Modules that declined to load at boot ("Not Running"): reload is refused until `module load`. */
  readonly declinedModules = new Set<string>();
  readonly loadedModules = new Set(LOADED_MODULES);
  lastReloadAt = new Date();
  /** Log lines (what Asterisk would have logged, `LEVEL file.c: message`), for tests and debugging. */
  readonly log: string[] = [];
  /** chan_iax2, pbx_dundi and res_crypto (roaming.ts). */
  readonly roaming: SimRoaming;
  /** This server on the network of simulated servers (set while it is started). */
  node?: RoamingNode;

  constructor(readonly systemName: string, readonly configRoot: string, opts: PbxStateOptions = {}) {
    super();
    this.pjsip = new PjsipStore(opts.hosts ?? {});
    const fsRoot = opts.fsRoot ?? path.resolve(configRoot, '..', '..');
    this.modules = new ModuleConfigs(configRoot, fsRoot, opts.astDataDir ?? '/var/lib/asterisk', this.log);
    // res_crypto reads `<astkeydir>/keys`; astkeydir is astvarlibdir (/var/lib/asterisk) by default.
    this.roaming = new SimRoaming(configRoot, path.join(fsRoot, opts.astDataDir ?? '/var/lib/asterisk', 'keys'), this.log);
  }

  // --- config ------------------------------------------------------------------------
  /** Reload a module the way Asterisk 20 does; returns the AMI answer and Reload event status. */
  reloadModule(module: string): ReloadAnswer {
    const mod = soName(module);
    if (this.declinedModules.has(mod)) return { ok: false, message: 'Module not initialized', status: 5 };
    if (!this.loadedModules.has(mod)) return { ok: false, message: 'No such module', status: 2 };
    this.lastReloadAt = new Date();
    const other = this.modules.reload(mod);
    if (other) return other;
    if (mod === 'res_pjsip.so') {
      const rep = this.pjsip.reload(dirSource(this.configRoot));
      this.log.push(...rep.log);
      // Registered contacts stay keyed by aor name (Asterisk keeps them in AstDB): an aor that
      // comes back gets its contacts back, and a new endpoint naming it takes them over.
      return { ok: true, message: 'Module Reloaded', status: 0 };
    }
    if (mod === 'chan_iax2.so') { this.roaming.loadIax(); return RELOAD_OK; }
    if (mod === 'pbx_dundi.so') { this.roaming.loadDundi(); return RELOAD_OK; }
    if (mod === 'res_crypto.so') { this.roaming.loadKeys(); return RELOAD_OK; }
    if (mod === 'pbx_config.so') {
      const rep = this.dialplan.reload(dirSource(this.configRoot));
      this.log.push(...rep.log);
      return rep.rejected ? RELOAD_ERROR : RELOAD_OK;
    }
    return RELOAD_OK;
  }

  /**
   * Initial load (at start), with Asterisk's boot semantics: pbx_config declines to load when
   * extensions.conf is rejected (no dialplan at all); see ModuleConfigs.boot for the others.
   */
  loadAll(): void {
    this.modules.bootAcl();
    this.log.push(...this.pjsip.reload(dirSource(this.configRoot)).log);
    // res_pjsip looks its endpoints' named ACLs up while loading.
    if (!this.modules.acl.acls) {
      for (const e of this.pjsip.list('endpoint')) {
        for (const n of (e.options.acl ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
          this.log.push(`ERROR named_acl.c: Attempted to find named ACL '${n}', but the ACL configuration isn't available.`);
        }
      }
    }
    const dp = this.dialplan.reload(dirSource(this.configRoot));
    this.log.push(...dp.log);
    this.roaming.loadKeys();
    this.roaming.loadIax();
    this.roaming.loadDundi();
    const declined = this.modules.boot();
    if (dp.rejected) {
      this.log.push('ERROR loader.c: pbx_config declined to load.');
      declined.push('pbx_config.so');
    }
    for (const m of declined) {
      this.loadedModules.delete(m);
      this.declinedModules.add(m);
    }
  }

  /** `module load <mod>` of a module that declined at boot: loads it now (false if it declines again). */
  loadDeclinedModule(mod: string): boolean {
    if (!this.declinedModules.has(mod)) return this.loadedModules.has(mod);
    this.log.push(`NOTICE loader.c: Unloading module '${mod}' that previously declined to load`);
    this.declinedModules.delete(mod);
    this.loadedModules.add(mod);
    if (this.modules.load(mod) ?? this.loadModule(mod)) return true;
    this.loadedModules.delete(mod);
    this.declinedModules.add(mod);
    return false;
  }

  /** A full load of a module not in ModuleConfigs (PbxState loads app_queue); false = declined. */
  protected loadModule(mod: string): boolean {
    return this.reloadModule(mod).ok;
  }

  /**
   * Does endpoint `name` accept a request from `ip` by its ACL options (`acl = <named>`,
   * `permit`/`deny`)? Named ACLs fail open when acl.conf failed at boot (no ACL configuration)
   * and closed when the name is not in a loaded configuration (main/acl.c).
   */
  endpointAclAllows(name: string, ip: string): boolean {
    const e = this.pjsip.get('endpoint', name);
    if (!e) return false;
    const named = (e.options.acl ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (!this.modules.acl.allows(named, ip, this.log)) return false;
    const base = endpointBaseRules(e);
    return base.length === 0 || applyHa(base, ip) === 'allow';
  }

  /** The module name list for ModuleCheck/Reload (with `.so`). */
  hasModule(m: string): boolean {
    return this.loadedModules.has(m) || this.loadedModules.has(`${m}.so`);
  }
}

/** A module name as the loader knows it (`app_queue` -> `app_queue.so`; core parts like `acl` stay). */
export function soName(module: string): string {
  return module.endsWith('.so') || !module.includes('_') ? module : `${module}.so`;
}

/** An endpoint's own permit/deny rules, in file order. */
function endpointBaseRules(e: { entries: Array<[string, string]> }): HaRule[] {
  const rules: HaRule[] = [];
  for (const [k, v] of e.entries) if (k === 'permit' || k === 'deny') rules.push(...parseHa(k, v).rules);
  return rules;
}
