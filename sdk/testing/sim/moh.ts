/**
 * Music on hold classes (res_musiconhold) from musiconhold.conf. Asterisk 20 semantics: a
 * `mode = files` class is created only when its directory can be opened (a relative directory is
 * under astdatadir) and holds at least one sound file; otherwise `Error opening directory -
 * <path>: No such file or directory` (or `Files not found in ...`) and no class. A file that fails to parse keeps the old classes; the reload always reports success.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fatalLog, FileStamps, parseConfig, sectionValue, type ConfigSource } from './config-parser.ts';
import { ao2HashOrder } from './ao2.ts';

export interface MohClass {
  name: string;
  mode: string;
  directory: string;
  application?: string;
  announcement?: string;
  format?: string;
}

export class MohClasses {
  classes: MohClass[] = [];
  private readonly stamps = new FileStamps();

  /**
   * @param fsRoot the simulated filesystem root (absolute directories live under it)
   * @param astDataDir astdatadir as Asterisk sees it, e.g. /var/lib/asterisk
   */
  load(source: ConfigSource, fsRoot: string, astDataDir: string, log: string[]): void {
    // An untouched musiconhold.conf is not reparsed, so a directory created since then is not
    // seen until the file is rewritten (checked on a live 20.20.1).
    if (this.stamps.unchanged(source, 'musiconhold.conf')) return;
    const parsed = parseConfig(source, 'musiconhold.conf');
    this.stamps.remember(source, parsed.files);
    if (parsed.missing) return;
    if (parsed.fatal) {
      log.push(fatalLog(parsed.fatal));
      return;
    }
    const next: MohClass[] = [];
    for (const s of parsed.sections) {
      if (s.name === 'general' || s.isTemplate) continue;
      const mode = sectionValue(s, 'mode') ?? 'files';
      const directory = sectionValue(s, 'directory') ?? '';
      if (mode.toLowerCase() === 'files') {
        const seen = directory.startsWith('/') ? directory : `${astDataDir}/${directory}`;
        const files = soundFiles(path.join(fsRoot, seen));
        if (files === undefined) {
          log.push(`ERROR file.c: Error opening directory - ${seen}: No such file or directory`);
          continue;
        }
        if (files === 0) {
          // init_files_class: a directory without sound files makes no class either.
          log.push(`VERBOSE res_musiconhold.c: Files not found in ${directory} for moh class:${s.name}`);
          continue;
        }
      }
      next.push({ name: s.name, mode, directory, application: sectionValue(s, 'application'), announcement: sectionValue(s, 'announcement'), format: sectionValue(s, 'format') });
    }
    this.classes = next;
  }

  /** CLI `moh show classes` (res_musiconhold.c handle_cli_moh_show_classes). */
  cli(): string {
    let out = '';
    for (const c of ao2HashOrder(this.classes, (x) => x.name, 53, true)) {
      out += `Class: ${c.name}\n\tMode: ${c.mode || '<none>'}\n\tDirectory: ${c.directory || '<none>'}\n`;
      if (c.announcement) out += `\tAnnouncement: ${c.announcement}\n`;
      if (c.mode.toLowerCase() === 'custom') out += `\tApplication: ${c.application ?? '<none>'}\n\tKill Escalation Delay: 500 ms\n\tKill Method: process_group\n`;
      if (c.mode.toLowerCase() !== 'files') out += `\tFormat: ${c.format ?? 'slin'}\n`;
    }
    return out;
  }
}

/** Sound files in a directory as on_moh_file counts them (no dot files, an extension of 2+ chars); undefined = cannot open. */
function soundFiles(dir: string): number | undefined {
  try {
    return fs.readdirSync(dir).filter((f) => !f.startsWith('.') && /\.[^.]{2,}$/.test(f)).length;
  } catch {
    return undefined;
  }
}
