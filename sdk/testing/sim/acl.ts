/**
 * Named ACLs (core module `acl`, main/named_acl.c) from acl.conf. Asterisk 20 semantics:
 * - every `[name]` except `general` is an ACL of `permit`/`deny` rules (ha.ts);
 * - one bad rule or unknown option rejects the whole file: on reload the old ACLs stay and the
 *   reload still reports success; at boot there is no ACL configuration at all
 *   (`acl show` -> `ACL configuration isn't available.`), so every named ACL fails open;
 * - an untouched file is not reparsed (nothing logged).
 */
import { acoFatalLog, FileStamps, parseConfig, type ConfigSource } from './config-parser.ts';
import { ao2HashOrder } from './ao2.ts';
import { applyHa, haOutput, parseHa, type HaRule } from './ha.ts';

export interface NamedAcl {
  name: string;
  rules: HaRule[];
}

export class NamedAcls {
  /** undefined = no ACL configuration (boot with a bad or missing acl.conf). */
  acls: NamedAcl[] | undefined;
  private readonly stamps = new FileStamps();

  /** Load acl.conf; `boot` = module load at start (aco_process_config(..., 0)). */
  load(source: ConfigSource, boot: boolean, log: string[]): void {
    if (boot) {
      this.acls = undefined;
      this.stamps.forget();
    } else if (this.stamps.unchanged(source, 'acl.conf')) return;
    const parsed = parseConfig(source, 'acl.conf');
    this.stamps.remember(source, parsed.files);
    const fail = () => {
      if (!boot) log.push('WARNING named_acl.c: Could not reload ACL config');
    };
    if (parsed.missing) {
      log.push("ERROR config_options.c: Unable to load config file 'acl.conf'");
      return fail();
    }
    if (parsed.fatal) {
      log.push(...acoFatalLog(parsed.fatal, 'acl.conf'));
      return fail();
    }
    const next: NamedAcl[] = [];
    for (const s of parsed.sections) {
      if (s.name === 'general' || s.isTemplate) continue;
      const acl = next.find((a) => a.name === s.name) ?? { name: s.name, rules: [] };
      if (!next.includes(acl)) next.push(acl);
      for (const e of s.entries) {
        const k = e.key.toLowerCase();
        if (k !== 'permit' && k !== 'deny') {
          log.push(`ERROR config_options.c: Could not find option suitable for category '${s.name}' named '${e.key}' at line ${e.line} of `);
          log.push(`ERROR config_options.c: In acl.conf: Processing options for ${s.name} failed`);
          return fail();
        }
        const r = parseHa(k, e.value);
        log.push(...r.log);
        if (r.error) {
          // Asterisk prints an empty file name here (the variable's file is not set).
          log.push(`ERROR config_options.c: Error parsing ${e.key}=${e.value} at line ${e.line} of `);
          log.push(`ERROR config_options.c: In acl.conf: Processing options for ${s.name} failed`);
          return fail();
        }
        acl.rules.push(...r.rules);
      }
    }
    this.acls = next;
  }

  get(name: string): NamedAcl | undefined {
    return this.acls?.find((a) => a.name === name);
  }

  /**
   * Does a list of named ACLs (an endpoint's `acl = a,b`) let `ip` through? Asterisk's
   * ast_append_acl + ast_apply_acl: no ACL configuration -> nothing appended -> allowed (fail
   * open); a name the loaded configuration lacks is an invalid ACL -> denied.
   */
  allows(names: string[], ip: string, log: string[]): boolean {
    for (const n of names) {
      // No ACL configuration when the endpoint loaded: nothing was appended, everything passes.
      if (!this.acls) continue;
      const acl = this.get(n);
      if (!acl) {
        log.push(`WARNING acl.c: SIP ACL: Rejecting '${ip}' due to use of an invalid ACL '${n}'.`);
        return false;
      }
      if (applyHa(acl.rules, ip) === 'deny') {
        log.push(`NOTICE acl.c: SIP ACL: Rejecting '${ip}' due to a failure to pass ACL '${n}'`);
        return false;
      }
    }
    return true;
  }

  /** CLI `acl show` / `acl show <name>` text (named_acl.c). */
  cli(name: string | undefined, log: string[]): string {
    if (name === undefined) {
      if (!this.acls) return '\nacl\n---\nACL configuration isn\'t available.\n';
      return `\nacl\n---\n${ao2HashOrder(this.acls, (a) => a.name, 37).map((a) => `${a.name}\n`).join('')}`;
    }
    if (!this.acls) {
      log.push(`ERROR named_acl.c: Attempted to show named ACL '${name}', but the acl configuration isn't available.`);
      return '';
    }
    const acl = this.get(name);
    if (!acl) return `\nCould not find ACL named '${name}'\n`;
    return `\nACL: ${name}\n---------------------------------------------\n${haOutput(acl.rules).map((l) => `${l}\n`).join('')}`;
  }
}
