import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { PayloadTooLargeError, type Principal } from '../../sdk/index.ts';

export interface CliDeps {
  upload(user: Principal, id: number, data: Buffer): Promise<Record<string, unknown>>;
  maxUploadBytes(): number;
  print(line: string): void;
}

/** `acm recordings upload <id> <file>`; list/get/add/… of `acm recordings recordings` come from the resource kit. */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  group.description('system recordings: audio prompts of IVR menus and announcements');
  group.command('upload <id> <file>').description('convert an audio file (wav, mp3, ogg, flac …) with sox and store it as the recording\'s audio')
    .option('--json')
    .action(async (id: string, file: string, o: { json?: boolean }) => {
      // Checked before reading: a huge file is refused without loading it.
      if ((await stat(file)).size > d.maxUploadBytes()) throw new PayloadTooLargeError(`${file} is larger than ${d.maxUploadBytes()} bytes`);
      const r = await d.upload(operator, Number(id), await readFile(file));
      if (o.json) return d.print(JSON.stringify(r, null, 2));
      d.print(`recording ${String(r.name)}: ${Number(r.durationMs) / 1000} s, ${String(r.size)} bytes, sha256 ${String(r.sha256)} (commit to push it)`);
    });
}
