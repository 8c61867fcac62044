/**
 * ConfBridge profiles and menus (app_confbridge, confbridge/conf_config_parser.c) from
 * confbridge.conf: sections with `type = bridge|user|menu`. Asterisk 20 semantics: a file that
 * fails to parse (or has a section of unknown type) is a reload failure and the old profiles
 * stay; `default_bridge`, `default_user` and `default_menu` are added when missing.
 */
import { acoFatalLog, FileStamps, parseConfig, sectionValue, type ConfigSource } from './config-parser.ts';
import { ao2HashOrder } from './ao2.ts';

export type ConfbridgeKind = 'bridge' | 'user' | 'menu';

export interface ConfbridgeProfile {
  kind: ConfbridgeKind;
  name: string;
  options: Record<string, string>;
}

const DEFAULTS: Record<ConfbridgeKind, string> = { bridge: 'default_bridge', user: 'default_user', menu: 'default_menu' };
const TITLES: Record<ConfbridgeKind, string> = { bridge: '--------- Bridge Profiles -----------', user: '--------- User Profiles -----------', menu: '--------- Menus -----------' };

export class Confbridge {
  profiles: ConfbridgeProfile[] = [];

  private readonly stamps = new FileStamps();

  /**
   * Returns false when the file was rejected (a reload failure). On `reload`, an untouched file
   * is not reparsed and the reload succeeds, even right after a rejection (seen live).
   */
  load(source: ConfigSource, log: string[], reload = false): boolean {
    if (reload && this.stamps.unchanged(source, 'confbridge.conf')) return true;
    const parsed = parseConfig(source, 'confbridge.conf');
    this.stamps.remember(source, parsed.files);
    if (parsed.fatal) {
      log.push(...acoFatalLog(parsed.fatal, 'confbridge.conf'));
      return false;
    }
    const next: ConfbridgeProfile[] = [];
    for (const s of parsed.sections) {
      if (s.name === 'general' || s.isTemplate) continue;
      const type = (sectionValue(s, 'type') ?? '').toLowerCase();
      if (type !== 'bridge' && type !== 'user' && type !== 'menu') {
        log.push(`ERROR config_options.c: In confbridge.conf: Could not find type for category ${s.name}`);
        return false;
      }
      const options: Record<string, string> = {};
      for (const e of s.entries) options[e.key] = e.value;
      next.push({ kind: type, name: s.name, options });
    }
    for (const kind of ['bridge', 'user', 'menu'] as const) {
      if (next.some((p) => p.kind === kind && p.name === DEFAULTS[kind])) continue;
      log.push(`NOTICE conf_config_parser.c: Adding ${DEFAULTS[kind]} ${kind === 'menu' ? 'menu' : 'profile'} to app_confbridge`);
      next.push({ kind, name: DEFAULTS[kind], options: {} });
    }
    this.profiles = next;
    return true;
  }

  /** CLI `confbridge show profile bridges|users` / `confbridge show menus`. */
  cli(kind: ConfbridgeKind): string {
    const names = ao2HashOrder(this.profiles.filter((p) => p.kind === kind), (p) => p.name, 283, true).map((p) => `${p.name}\n`);
    return `${TITLES[kind]}\n${names.join('')}`;
  }
}
