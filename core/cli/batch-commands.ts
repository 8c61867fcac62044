import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { FilterQuery } from '@mikro-orm/core';
import type { Acm } from '../app.ts';
import { submitBatch, validateBatch } from '../batch/batch.ts';
import { exportExtensions, importExtensions } from '../batch/csv.ts';
import { restoreBackup } from '../backup/restore.ts';
import { backupToLocal, backupToSftp, parseSftpTarget } from '../backup/targets.ts';
import { sftpHostKeysFile } from '../backup/sftp-host-keys.ts';
import { ClusterSchema, GroupSchema, type Cluster, type Group } from '../model/entities.ts';
import { resource } from '../model/resources.ts';
import { ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { printObject } from './output.ts';

export type WithAcm = <T>(fn: (acm: Acm) => Promise<T>, quiet?: boolean, connectServers?: boolean) => Promise<T>;

/**
 * `\r[#####     ] 50% (5/10)` on stderr while long work runs — only when stderr is a terminal,
 * so scripts and logs get no control characters. Returns the callback to feed and a `done()`.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, width = 30): { update(done: number, total: number): void; done(): void } {
  let shown = false;
  let lastPct = -1;
  return {
    update(done, total) {
      if (!stream.isTTY || total <= 0) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === lastPct) return;
      lastPct = pct;
      const filled = Math.round((done / total) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}% (${done}/${total})`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

function printProblems(problems: FieldProblem[]): void {
  for (const p of problems) console.error(`  ${p.field}: ${p.message}`);
}

/** Names from the command line → ids, among what the operator may see. */
async function clusterIdsByName(acm: Acm, user: Principal, names: string[]): Promise<number[]> {
  const em = acm.orm.em.fork();
  const where = acm.crud.scopeWhere(user, resource('clusters'));
  const problems: FieldProblem[] = [];
  const ids: number[] = [];
  for (const [i, name] of names.entries()) {
    const found = await em.find(ClusterSchema, { $and: [where, /^\d+$/.test(name) ? { $or: [{ name }, { id: Number(name) }] } : { name }] } as FilterQuery<Cluster>);
    if (found.length === 1) ids.push(found[0]!.id);
    else problems.push({ field: `cluster.${i}`, message: found.length ? `"${name}" names clusters of several tenants; give the id` : `no cluster "${name}"` });
  }
  if (problems.length) throw new ValidationError(problems);
  return ids;
}

async function groupIdByName(acm: Acm, user: Principal, name: string): Promise<number> {
  const where = acm.crud.scopeWhere(user, resource('groups'));
  const found = await acm.orm.em.fork().find(GroupSchema, { $and: [where, /^\d+$/.test(name) ? { $or: [{ name }, { id: Number(name) }] } : { name }] } as FilterQuery<Group>);
  if (found.length !== 1) throw new ValidationError([{ field: 'template-group', message: found.length ? `"${name}" names groups of several tenants; give the id` : `no group "${name}"` }]);
  return found[0]!.id;
}

interface BatchOpts { templateGroup?: string; templateExtension?: string; from: string; to: string; cluster: string[]; namePattern?: string; json?: boolean }

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `acm batch validate|submit`, `acm import extensions`, `acm export extensions`, `acm backup`,
 * `acm restore`. Wired by core/cli/main.ts: `registerBatchCommands(program, withAcm, operator)`.
 */
export function registerBatchCommands(program: Command, withAcm: WithAcm, operator: () => Principal): void {
  const batch = program.command('batch').description('create many extensions from a template, all or nothing');
  const body = async (acm: Acm, o: BatchOpts) => {
    if ((o.templateGroup === undefined) === (o.templateExtension === undefined)) {
      throw new ValidationError([{ field: 'template', message: 'give exactly one of --template-group NAME and --template-extension ID' }]);
    }
    return {
      ...(o.templateGroup !== undefined ? { templateGroupId: await groupIdByName(acm, operator(), o.templateGroup) } : { templateExtensionId: Number(o.templateExtension) }),
      from: o.from, to: o.to, clusterIds: await clusterIdsByName(acm, operator(), o.cluster ?? []),
      ...(o.namePattern ? { namePattern: o.namePattern } : {}),
    };
  };
  const batchOptions = (c: Command) => c
    .option('--template-group <name>', 'the group whose template extension (and group) the new extensions get')
    .option('--template-extension <id>', 'an extension to copy (without its secrets and identity)')
    .requiredOption('--from <n>', 'first number').requiredOption('--to <n>', 'last number (same number of digits)')
    .requiredOption('--cluster <name>', 'a cluster to create them in (repeatable)', collect)
    .option('--name-pattern <pattern>', 'name of each: {n} number, {cluster} cluster name, {i} 1, 2, 3…', 'Extension {n}')
    .option('--json');

  batchOptions(batch.command('validate').description('check a batch; writes nothing'))
    .action((o: BatchOpts) => withAcm(async (acm) => {
      const v = await validateBatch(acm, operator(), await body(acm, o));
      if (o.json) printObject(v as unknown as Record<string, unknown>, true);
      else if (v.valid) console.log(`valid: ${v.count} extension(s) would be created`);
      if (!v.valid) throw new ValidationError(v.problems, `the batch is not valid (${v.count} extension(s))`);
    }));
  batchOptions(batch.command('submit').description('create every extension of the batch, or none'))
    .action((o: BatchOpts) => withAcm(async (acm) => {
      const bar = progressBar('creating');
      try {
        const out = await submitBatch(acm, { user: operator() }, await body(acm, o), bar.update);
        bar.done();
        if (o.json) printObject(out, true);
        else console.log(`created ${out.created} extension(s); commit to push them (acm commit)`);
      } finally {
        bar.done();
      }
    }));

  program.command('import').description('import objects from a file')
    .command('extensions <file>').description('extensions from CSV (header: ExtensionInput fields, cluster/clusterId, group/groupId); all or nothing')
    .option('--dry-run', 'check every line, write nothing').option('--json')
    .action((file: string, o: { dryRun?: boolean; json?: boolean }) => withAcm(async (acm) => {
      const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
      const bar = progressBar('importing');
      let out;
      try {
        out = await importExtensions(acm, { user: operator() }, text, { dryRun: !!o.dryRun, onProgress: bar.update });
      } finally {
        bar.done();
      }
      if (o.json) printObject(out as unknown as Record<string, unknown>, true);
      if (!out.valid) {
        if (!o.json) console.error(`${out.problems.length} problem(s) in ${file}; nothing was imported:`);
        if (!o.json) printProblems(out.problems);
        process.exitCode = 2;
        return;
      }
      if (!o.json) console.log(o.dryRun ? `${out.count} line(s) are valid; nothing was written (dry run)` : `imported ${out.created} extension(s); commit to push them (acm commit)`);
    }));

  program.command('export').description('export objects to a file')
    .command('extensions').description('extensions as CSV (no secrets), importable with acm import extensions')
    .option('--out <file>', 'write here instead of stdout').option('--cluster <name>', 'only this cluster')
    .action((o: { out?: string; cluster?: string }) => withAcm(async (acm) => {
      const clusterId = o.cluster ? (await clusterIdsByName(acm, operator(), [o.cluster]))[0] : undefined;
      const csv = await exportExtensions(acm, operator(), { clusterId });
      if (o.out) {
        writeFileSync(o.out, csv);
        console.error(`wrote ${csv.split('\r\n').length - 2} extension(s) to ${o.out}`);
      } else process.stdout.write(csv);
    }));

  program.command('backup').description('write the whole database and every revision into one .tar.gz, locally or over SFTP')
    .option('--out <file|dir>', 'a .tar.gz file, or a directory for a time-stamped one (default <ACM_DATA_DIR>/backups/)')
    .option('--sftp <user@host:port:/path>', 'write over SFTP instead: a .tar.gz path or a directory')
    .option('--sftp-password <password>', 'SFTP password (else ACM_BACKUP_SFTP_PASSWORD)')
    .option('--sftp-key <file>', 'SFTP private key file')
    .option('--sftp-host-key <sha256>', 'the server\'s host key (SHA256 fingerprint); else the first key seen is pinned')
    .option('--keep <n>', 'in a directory, keep only the newest n backups')
    .action((o: { out?: string; sftp?: string; sftpPassword?: string; sftpKey?: string; sftpHostKey?: string; keep?: string }) => withAcm(async (acm) => {
      if (o.out && o.sftp) throw new ValidationError([{ field: 'out', message: 'give --out or --sftp, not both' }]);
      const keep = o.keep === undefined ? undefined : Number(o.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw new ValidationError([{ field: 'keep', message: 'a whole number of at least 1' }]);
      const w = o.sftp
        ? await backupToSftp(acm, parseSftpTarget(o.sftp, {
          password: o.sftpPassword ?? process.env.ACM_BACKUP_SFTP_PASSWORD,
          privateKey: o.sftpKey ? readFileSync(o.sftpKey, 'utf8') : undefined,
          hostKeySha256: o.sftpHostKey, knownHostsFile: sftpHostKeysFile(),
        }), { keep })
        : await backupToLocal(acm, o.out ?? resolve(process.env.ACM_DATA_DIR ?? './data', 'backups'), { keep });
      const rows = w.manifest.tables.reduce((n, t) => n + t.rows, 0);
      console.log(`wrote ${w.file} (${w.bytes} bytes: ${rows} rows in ${w.manifest.tables.length} tables, ${w.manifest.blobs} config files)`);
      for (const f of w.removed) console.log(`removed old backup ${f}`);
    }));

  program.command('restore <file>').description('bring a backup back into an EMPTY instance (a new database)')
    .action((file: string) => withAcm(async (acm) => {
      const s = await restoreBackup(acm.orm, readFileSync(file));
      await acm.audit.record({ action: 'backup.restore', target: 'backup', targetId: basename(file).slice(0, 40), username: operator().username, after: { file: resolve(file), rows: s.rows, tables: s.tables, from: s.manifest.createdAt } });
      console.log(`restored ${s.rows} rows in ${s.tables} tables and ${s.blobs} config files from the backup of ${s.manifest.createdAt} (acm ${s.manifest.acmVersion}, ${s.manifest.database})`);
      for (const t of s.skipped) console.error(`skipped ${t}`);
    }));
}
