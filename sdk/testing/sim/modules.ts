/**
 * The config-driven modules beside res_pjsip and pbx_config: named ACLs (`acl`),
 * res_musiconhold, app_voicemail, res_parking and app_confbridge. `boot()` loads them the way
 * Asterisk does at start; `reload(module)` answers like a module reload (see each module's file
 * for what a bad file does).
 */
import path from 'node:path';
import { dirSource } from './config-parser.ts';
import { NamedAcls } from './acl.ts';
import { MohClasses } from './moh.ts';
import { Voicemail } from './voicemail.ts';
import { Parking } from './parking.ts';
import { Confbridge } from './confbridge.ts';

export interface ReloadAnswer {
  ok: boolean;
  message: string;
  status: number;
}

export const RELOAD_OK: ReloadAnswer = { ok: true, message: 'Module Reloaded', status: 0 };
export const RELOAD_ERROR: ReloadAnswer = { ok: false, message: 'An unknown error occurred', status: 3 };

export class ModuleConfigs {
  readonly acl = new NamedAcls();
  readonly moh = new MohClasses();
  readonly voicemail = new Voicemail();
  readonly parking = new Parking();
  readonly confbridge = new Confbridge();

  /**
   * @param fsRoot the simulated filesystem root; configRoot is its /etc/asterisk
   * @param astDataDir astdatadir as the simulated Asterisk sees it (default /var/lib/asterisk)
   */
  constructor(private readonly configRoot: string, private readonly fsRoot: string, readonly astDataDir: string, private readonly log: string[]) {}

  private get source() {
    return dirSource(this.configRoot);
  }

  /** Named ACLs load first at start (a core module, before res_pjsip). */
  bootAcl(): void {
    this.acl.load(this.source, true, this.log);
  }

  /** The other modules' load at start. Returns the modules that declined to load. */
  boot(): string[] {
    const declined: string[] = [];
    this.moh.load(this.source, this.fsRoot, this.astDataDir, this.log);
    this.voicemail.load(this.source, this.log);
    if (!this.parking.load(this.source, this.log)) declined.push('res_parking.so');
    if (!this.confbridge.load(this.source, this.log)) {
      this.log.push('ERROR app_confbridge.c: Unable to load config. Not loading module.');
      declined.push('app_confbridge.so');
    }
    for (const m of declined) this.log.push(`ERROR loader.c: ${m.replace(/\.so$/, '')} declined to load.`);
    return declined;
  }

  /** `module load` of a module that declined at boot: a full load (the file is parsed whatever its stamp). */
  load(mod: string): boolean | undefined {
    if (mod === 'res_parking.so') return this.parking.load(this.source, this.log);
    if (mod === 'app_confbridge.so') return this.confbridge.load(this.source, this.log);
    return undefined;
  }

  /** A reload of one of these modules; undefined when `mod` is not one of them. */
  reload(mod: string): ReloadAnswer | undefined {
    switch (mod) {
      case 'acl':
        this.acl.load(this.source, false, this.log);
        return RELOAD_OK;
      case 'res_musiconhold.so':
        this.moh.load(this.source, this.fsRoot, this.astDataDir, this.log);
        return RELOAD_OK;
      case 'app_voicemail.so':
        this.voicemail.load(this.source, this.log);
        return RELOAD_OK;
      case 'res_parking.so':
        return this.parking.load(this.source, this.log, true) ? RELOAD_OK : RELOAD_ERROR;
      case 'app_confbridge.so':
        return this.confbridge.load(this.source, this.log, true) ? RELOAD_OK : RELOAD_ERROR;
      default:
        return undefined;
    }
  }

  /** Where a (simulated) directory lives on the real disk; relative = under astdatadir. */
  realPath(dir: string): string {
    return path.join(this.fsRoot, dir.startsWith('/') ? dir : path.posix.join(this.astDataDir, dir));
  }
}
