import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { EventBus } from '../../sdk/bus.ts';
import { commitProgressSubject } from '../bus/subjects.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { ClusterSnapshotView, CommitValidator, ModuleVerifier } from '../../sdk/commit.ts';
import { NotFoundError, ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import type { AsteriskConnections } from '../asterisk/connections.ts';
import {
  ChangeSetEntrySchema, ClusterSchema, ExtensionSchema, RevisionSchema, ServerSchema,
  type Cluster, type Revision, type RevisionFileRef, type Server,
} from '../model/entities.ts';
import { sshTo } from '../asterisk/host-key-pins.ts';
import { loadSnapshot } from './load-snapshot.ts';
import { asView, serverView, toPluginView } from './snapshot.ts';
import { sha256, sortByReloadOrder, textFiles, type RenderedFile, type TextFile } from './render/index.ts';
import type { ConfigFileRegistry } from './files.ts';
import { collectMailboxes } from './render/common.ts';
import { validateCluster } from './validate.ts';
import { ServerPush, TargetPush } from './push.ts';
import { revisionFiles, storeFile } from './revision-store.ts';
import { addTo } from '../util/group.ts';
import { amiProbe, unverifiable, verifyLoaded } from './verify/index.ts';
import { clusterDrift, type ClusterDrift, type ServerDrift } from './verify/drift.ts';

export interface CommitOutcome {
  id: number | null;
  clusterId: number;
  cluster: string;
  /** `restart-required`: pushed and loaded as far as a reload goes; `error` names the servers to restart and why. */
  status: 'deployed' | 'restart-required' | 'unchanged' | 'failed' | 'changed';
  /** Files that changed (pushed, or that would be with dryRun). */
  files: string[];
  error?: string;
  dryRun?: boolean;
  /** What validators warned of (severity `warning`): shown with the commit, never blocking it. */
  warnings?: FieldProblem[];
  /** After a rollback: what each server holds then (each file's SHA-256, loaded state), as `acm verify` shows it. */
  servers?: ServerDrift[];
}

interface Prepared {
  cluster: Cluster;
  /** The newest ChangeSet entry when the model was read: later edits belong to the next commit. */
  changesUpTo: number;
  files: RenderedFile[];
  deployed: Revision | null;
  /** The cluster's newest revision (`id:status`) when prepared: if it moved, a commit queued behind another prepares again. */
  latest: string | null;
  /** Every file pushed and every module reloaded, changed or not. */
  forced: boolean;
  changed: RenderedFile[];
  /**
   * Files the deployed revision had that this one lacks. Config files are emptied, never deleted
   * (an #include may name them); a deploy target's file is deleted only when its target prunes
   * (and so runs: a stopped plugin renders nothing, and its files stay as they are).
   */
  dropped: string[];
  warnings: FieldProblem[];
}

export interface Actor { user: Principal; ip?: string | null }

/** Revision statuses whose files are on every server of the cluster. */
const DEPLOYED: readonly Revision['status'][] = ['deployed', 'restart-required'];

/**
 * The commit pipeline: render → validate → diff → store the revision (the backup) → push to
 * every server of the cluster → reload only what changed → verify by state → roll the whole
 * cluster back on any failure. Commits of one cluster run one after the other.
 */
export class CommitService {
  private queues = new Map<number, Promise<unknown>>();
  private readonly prunes = (target: string) => this.files.targets.prunes(target);

  constructor(
    private orm: MikroORM,
    /** Every file a commit renders (the core's and the plugins'), and each module's verifier. */
    readonly files: ConfigFileRegistry,
    private validators: () => ReadonlyMap<string, CommitValidator>,
    private connections: AsteriskConnections,
    private bus: EventBus,
    private logger: Logger,
  ) {}

  /** Progress of a cluster's commit, on `acm.<tenant>.<cluster>.0.commit.progress` (the WebSocket forwards it to those who see the cluster). */
  private progress(cluster: Cluster, step: string, detail: Record<string, unknown> = {}): void {
    this.bus.publish(commitProgressSubject({ tenantId: cluster.tenantId, clusterId: cluster.id }), { type: 'commit', clusterId: cluster.id, tenantId: cluster.tenantId, siteId: cluster.siteId, step, ...detail });
  }

  /** Runs `fn` after every earlier commit of the cluster has finished. */
  private serialised<T>(clusterId: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(clusterId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.queues.set(clusterId, next);
    void next.finally(() => { if (this.queues.get(clusterId) === next) this.queues.delete(clusterId); }).catch(() => undefined);
    return next;
  }

  /**
   * What the cluster's servers run: the newest revision that reached them all, `restart-required`
   * ones included (their files are on the servers and loaded but for a transport's bind).
   */
  async deployedRevision(em: EntityManager, clusterId: number): Promise<Revision | null> {
    const [rev] = await em.find(RevisionSchema, { clusterId, status: { $in: DEPLOYED } }, { orderBy: { id: 'desc' }, limit: 1 });
    return rev ?? null;
  }

  private async latestRevision(em: EntityManager, clusterId: number): Promise<Revision | null> {
    const [rev] = await em.find(RevisionSchema, { clusterId }, { orderBy: { id: 'desc' }, limit: 1 });
    return rev ?? null;
  }

  /** Mailboxes (`box@context`) defined on the tenant's other clusters, for the roaming-duplicate rule. */
  private async mailboxesElsewhere(em: EntityManager, snapshot: Awaited<ReturnType<typeof loadSnapshot>>): Promise<Map<string, string[]>> {
    const others = await em.find(ExtensionSchema, { tenantId: snapshot.tenant.id, clusterId: { $ne: snapshot.cluster.id }, mailbox: { $ne: null } }, { orderBy: { id: 'asc' } });
    const clusters = new Map((await em.find(ClusterSchema, { tenantId: snapshot.tenant.id })).map((c) => [c.id, c.name]));
    const out = new Map<string, string[]>();
    const byCluster = new Map<number, typeof others>();
    for (const e of others) addTo(byCluster, e.clusterId, e);
    for (const [clusterId, exts] of byCluster) {
      for (const key of collectMailboxes({ tenant: snapshot.tenant, extensions: exts } as never)) {
        addTo(out, key, clusters.get(clusterId) ?? String(clusterId));
      }
    }
    return out;
  }

  /**
   * What the last prepare of each cluster read and rendered, valid while no change was recorded
   * since (every write through acm records one; live-status updates change no config). An
   * unchanged re-commit then costs the plugins' files and a hash compare, not a full render.
   */
  private cache = new Map<number, { changesUpTo: number; view: ClusterSnapshotView; core: Map<string, TextFile>; mailboxes: Map<string, string[]> }>();

  /** Forgets cached renders (after writes that bypass acm's API, such as a restore). */
  invalidate(clusterId?: number): void {
    if (clusterId === undefined) this.cache.clear();
    else this.cache.delete(clusterId);
  }

  /** Renders and validates one cluster and diffs it with what its servers run. */
  async prepare(clusterId: number, force = false): Promise<Prepared | { cluster: Cluster; problems: FieldProblem[] }> {
    const em = this.orm.em.fork();
    const [lastChange] = await em.find(ChangeSetEntrySchema, {}, { orderBy: { id: 'desc' }, limit: 1, fields: ['id'] });
    const changesUpTo = lastChange?.id ?? 0;
    const cached = this.cache.get(clusterId);
    const fresh = force || !cached || cached.changesUpTo !== changesUpTo;
    let view: ClusterSnapshotView;
    let mailboxes: Map<string, string[]>;
    let core = new Map<string, TextFile>();
    if (fresh) {
      const snapshot = await loadSnapshot(em, clusterId);
      // Frozen from here on: every renderer and validator reads it.
      view = toPluginView(asView(snapshot));
      mailboxes = await this.mailboxesElsewhere(em, snapshot);
    } else {
      ({ view, core, mailboxes } = cached!);
    }
    const cluster = view.cluster as Cluster;
    let files: RenderedFile[] | undefined;
    let renderError: string | undefined;
    try {
      files = [...(await this.files.render(view, core)), ...(await this.files.targets.render(view))];
    } catch (err) {
      renderError = (err as Error).message;
    }
    const config = files && textFiles(files).filter((f) => !f.deploy);
    // The validator names the object and field behind a render error, so it runs either way.
    const problems = validateCluster(view, config, mailboxes, { clusterName: cluster.name });
    if (!problems.length && (renderError || !files)) problems.push({ object: `cluster ${cluster.name}`, message: renderError ?? 'rendering failed' });
    // Fail closed: a file nobody can prove loaded is not pushed.
    const verifiers = this.files.verifiers();
    for (const f of unverifiable(config ?? [], verifiers)) {
      problems.push({ object: `file ${f.name}`, field: 'reload', message: `acm cannot prove ${f.reload} loaded the file: no verifier for that module` });
    }
    const validators = this.validators();
    const warned: typeof problems = [];
    for (const [key, v] of [...validators.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      for (const p of await v.validate(view)) {
        (p.severity === 'error' ? problems : warned).push({ object: p.object, ...(p.field ? { field: p.field } : {}), message: `${p.message} (${key})` });
      }
    }
    const named = (list: typeof problems) => list.map((p) => ({ field: `${cluster.name}: ${p.object}${p.field ? ` (${p.field})` : ''}`, message: p.message }));
    if (problems.length || !files) {
      this.cache.delete(clusterId);
      return { cluster, problems: named(problems) };
    }
    this.cache.set(clusterId, { changesUpTo, view, core: new Map(textFiles(files).filter((f) => this.files.renderedByCore(f.name)).map((f) => [f.name, f])), mailboxes });
    const deployed = await this.deployedRevision(em, clusterId);
    const latest = await this.latestRevision(em, clusterId);
    // After a failed (or interrupted) commit nobody knows for sure what each server holds: a
    // rollback that could not restore a server leaves it on neither revision. So the next
    // commit pushes and reloads everything instead of answering `unchanged` from the hashes.
    const forced = force || (!!latest && !DEPLOYED.includes(latest.status));
    return { cluster, changesUpTo, files, deployed, latest: revisionKey(latest), forced, ...changes(files, deployed, forced, this.prunes), warnings: named(warned) };
  }


  /**
   * `POST /api/commit`: every cluster the user may see (or one); nothing is pushed anywhere if
   * any cluster fails validation. `allChanges` (a commit of every cluster) also settles the
   * tenant-wide changes (groups, ACLs), which otherwise wait for it. `force` pushes every file
   * even if unchanged (a server rebuilt from scratch).
   */
  async commit(actor: Actor, clusterIds: number[], opts: { dryRun?: boolean; allChanges?: boolean; force?: boolean } = {}): Promise<CommitOutcome[]> {
    const prepared: Prepared[] = [];
    const problems: FieldProblem[] = [];
    for (const id of clusterIds) {
      const p = await this.prepare(id, opts.force);
      if ('problems' in p) problems.push(...p.problems);
      else prepared.push(p);
    }
    if (problems.length) throw new ValidationError(problems, `validation failed; nothing was pushed: ${problems.length} problem(s)`);
    const out: CommitOutcome[] = [];
    for (const p of prepared) {
      if (opts.dryRun) {
        out.push({ id: p.deployed?.id ?? null, clusterId: p.cluster.id, cluster: p.cluster.name, status: p.changed.length || p.dropped.length ? 'changed' : 'unchanged', files: [...p.changed.map((f) => f.name), ...p.dropped], dryRun: true, ...warningsOf(p) });
        continue;
      }
      out.push(await this.serialised(p.cluster.id, async () => {
        // A commit queued behind another must diff against what that one left: render again.
        const latest = await this.latestRevision(this.orm.em.fork(), p.cluster.id);
        let ready: Prepared = p;
        if (revisionKey(latest) !== p.latest) {
          const fresh = await this.prepare(p.cluster.id, opts.force);
          if ('problems' in fresh) throw new ValidationError(fresh.problems);
          ready = fresh;
        }
        return { ...(await this.deploy(actor, ready, { allChanges: opts.allChanges })), ...warningsOf(ready) };
      }));
    }
    return out;
  }

  /** Commits an earlier revision's files again (`POST /api/revisions/:id/rollback`). */
  async rollback(actor: Actor, revisionId: number): Promise<CommitOutcome> {
    const em = this.orm.em.fork();
    const target = await em.findOne(RevisionSchema, { id: revisionId });
    if (!target) throw new NotFoundError(`no revision ${revisionId}`);
    return this.serialised(target.clusterId, async () => {
      const em2 = this.orm.em.fork();
      const cluster = await em2.findOneOrFail(ClusterSchema, { id: target.clusterId });
      const files = await this.filesOf(em2, target);
      const deployed = await this.deployedRevision(em2, cluster.id);
      const latest = await this.latestRevision(em2, cluster.id);
      const forced = !!latest && !DEPLOYED.includes(latest.status);
      const outcome = await this.deploy(actor, { cluster, changesUpTo: 0, files, deployed, latest: revisionKey(latest), forced, ...changes(files, deployed, forced, this.prunes), warnings: [] }, { rollbackOf: target.id });
      // Verified again, whatever the outcome: what each server holds now.
      return { ...outcome, servers: (await this.drift(cluster.id)).servers };
    });
  }

  /** `acm verify`: what each server of the cluster holds against its deployed revision (files by hash, loaded state by module). */
  async drift(clusterId: number): Promise<ClusterDrift> {
    return clusterDrift({
      em: this.orm.em.fork(), connections: this.connections, verifiers: this.files.verifiers(), targets: this.files.targets,
      deployed: (em, id) => this.deployedRevision(em, id), filesOf: (em, rev) => this.filesOf(em, rev),
      ssh: (server) => sshTo(this.orm, server),
    }, clusterId);
  }

  /** A revision's files as pushed; one with secrets also as shown (`shown`, masked). */
  filesOf(em: EntityManager, rev: Revision): Promise<RenderedFile[]> {
    return revisionFiles(em, rev);
  }

  private async deploy(actor: Actor, p: Prepared, opts: { allChanges?: boolean; rollbackOf?: number }): Promise<CommitOutcome> {
    const em = this.orm.em.fork();
    const clusterId = p.cluster.id;
    const pending = await em.find(ChangeSetEntrySchema, {
      revisionId: null, tenantId: p.cluster.tenantId, id: { $lte: p.changesUpTo },
      ...(opts.allChanges ? {} : { clusterId }),
    }, { orderBy: { id: 'asc' } });
    const changeIds = pending.filter((c) => opts.allChanges || c.clusterId === clusterId).map((c) => c.id);
    const toWrite: RenderedFile[] = [...p.changed, ...p.dropped.map((name) => {
      const ref = p.deployed!.files.find((f) => f.name === name)!;
      return ref.deploy
        ? { name, content: '', reload: ref.reload, sha256: sha256(''), deploy: ref.deploy, removed: true as const }
        : { name, content: '', reload: ref.reload, sha256: sha256('') };
    })];
    if (!toWrite.length) {
      if (changeIds.length && p.deployed) await em.nativeUpdate(ChangeSetEntrySchema, { id: { $in: changeIds } }, { revisionId: p.deployed.id });
      this.progress(p.cluster, 'unchanged');
      return { id: p.deployed?.id ?? null, clusterId, cluster: p.cluster.name, status: 'unchanged', files: [] };
    }
    // The revision is stored before anything is pushed: it is the backup.
    const files: RevisionFileRef[] = [];
    for (const f of p.files) files.push(await storeFile(em, f));
    const rev = em.create(RevisionSchema, {
      tenantId: p.cluster.tenantId, clusterId, status: 'pending', author: actor.user.username, userId: actor.user.userId || null,
      createdAt: new Date(), files, changed: toWrite.map((f) => f.name), changeIds, rollbackOf: opts.rollbackOf ?? null,
      previousId: p.deployed?.id ?? null,
    });
    await em.flush();
    this.progress(p.cluster, 'stored', { revisionId: rev.id, files: rev.changed });

    const result = await this.pushToCluster(p, toWrite, rev.id);
    rev.status = result.error ? 'failed' : result.restart.length ? 'restart-required' : 'deployed';
    const error = result.error ?? (result.restart.length ? restartMessage(result.restart) : undefined);
    rev.error = error ?? null;
    if (rev.status !== 'failed' && changeIds.length) await em.nativeUpdate(ChangeSetEntrySchema, { id: { $in: changeIds } }, { revisionId: rev.id });
    await em.flush();
    this.progress(p.cluster, rev.status, { revisionId: rev.id, error });
    return { id: rev.id, clusterId, cluster: p.cluster.name, status: rev.status, files: rev.changed, ...(error ? { error } : {}) };
  }

  /**
   * Pushes, reloads and verifies every server; on any failure puts every server back and checks
   * that each one runs the previous revision again. Returns the error, if any, and what only a
   * restart of Asterisk applies.
   */
  private async pushToCluster(p: Prepared, toWrite: RenderedFile[], revisionId: number): Promise<{ error?: string; restart: string[] }> {
    const em = this.orm.em.fork();
    const servers = await em.find(ServerSchema, { clusterId: p.cluster.id, enabled: true }, { orderBy: { id: 'asc' } });
    const configDir = p.cluster.asteriskConfigDir ?? '/etc/asterisk';
    // Forced: every module is reloaded (and so verified), not only those whose files changed.
    const modules = sortByReloadOrder([...toWrite, ...(p.forced ? p.files : [])].filter((f) => !f.deploy).map((f) => f.reload));
    const previousFiles = p.deployed ? await this.filesOf(em, p.deployed) : [];
    const verifiers = this.files.verifiers();
    // Plugin files first: the core files do not include them, the site's main files do.
    const ordered = toWrite.filter((f) => !f.deploy).sort((a, b) => Number(a.name.endsWith('.acm.conf')) - Number(b.name.endsWith('.acm.conf')) || a.name.localeCompare(b.name));
    const pushes: { server: Server; push: ServerPush; targets: TargetPush; close(): Promise<void> }[] = [];
    const restart: string[] = [];
    let failure: string | undefined;
    try {
      for (const server of servers) {
        this.progress(p.cluster, 'push', { revisionId, server: server.name });
        const client = this.connections.client(server.id);
        if (!client?.connected) throw new Error(`${server.name}: not connected over AMI`);
        const ssh = await sshTo(this.orm, server).catch((err: Error) => { throw new Error(`${server.name}: ${err.message}`); });
        const push = new ServerPush(ssh, configDir);
        const targets = new TargetPush(ssh, this.files.targets, serverView(server), (target) => this.progress(p.cluster, 'reload', { revisionId, server: server.name, module: target }));
        pushes.push({ server, push, targets, close: () => ssh.close() });
        await push.write(ordered).catch((err: Error) => { throw new Error(`${server.name}: push failed: ${err.message}`); });
        for (const m of modules) {
          this.progress(p.cluster, 'reload', { revisionId, server: server.name, module: m });
          await client.reload(m).catch((err: Error) => { throw new Error(`${server.name}: reload ${m} failed: ${err.message}`); });
        }
        this.progress(p.cluster, 'verify', { revisionId, server: server.name });
        const check = await verifyLoaded(amiProbe(server.name, client), modules, verifiers, textFiles(p.files), textFiles(previousFiles));
        if (check.failures.length) throw new Error(check.failures.join('; '));
        restart.push(...check.restart);
        // The deploy targets' files (keepalived.conf…): written, their targets reloaded and verified.
        const findings = await targets.apply(toWrite, p.files, p.forced);
        if (findings.length) throw new Error(findings.join('; '));
      }
    } catch (err) {
      failure = (err as Error).message;
      this.logger.warn({ cluster: p.cluster.name, err: failure }, 'commit failed; rolling the cluster back');
      this.progress(p.cluster, 'rollback', { revisionId, error: failure });
      failure += await this.putBack(pushes, modules, verifiers, previousFiles, p);
    } finally {
      for (const x of pushes) await x.close().catch(() => undefined);
    }
    return failure ? { error: failure, restart: [] } : { restart };
  }

  /**
   * Restores every pushed server's files, reloads, and proves it runs the previous revision
   * again. Returns what to add to the error: which servers are back, which are not and why.
   */
  private async putBack(
    pushes: readonly { server: Server; push: ServerPush; targets: TargetPush }[], modules: readonly string[], verifiers: ReadonlyMap<string, ModuleVerifier>,
    previousFiles: RenderedFile[], p: Prepared,
  ): Promise<string> {
    const back: string[] = [];
    const notBack: string[] = [];
    for (const { server, push, targets } of pushes) {
      const client = this.connections.client(server.id);
      let targetFindings: string[];
      try {
        await push.restore();
        for (const m of modules) await client?.reload(m).catch(() => undefined);
        targetFindings = await targets.restore(previousFiles);
      } catch (restoreErr) {
        notBack.push(`restoring ${server.name} failed: ${(restoreErr as Error).message}`);
        continue;
      }
      if (!p.deployed) continue; // the first revision: nothing known to compare with
      if (!client?.connected) { notBack.push(`${server.name}: cannot check the rollback: not connected over AMI`); continue; }
      const check = await verifyLoaded(amiProbe(server.name, client), modules, verifiers, textFiles(previousFiles), textFiles(p.files));
      const failures = [...check.failures, ...targetFindings];
      if (failures.length) notBack.push(`${server.name} is NOT back on revision ${p.deployed.id}: ${failures.join('; ')}`);
      else back.push(server.name);
    }
    const parts = [
      ...(back.length ? [`rolled back: ${back.join(', ')} run${back.length === 1 ? 's' : ''} revision ${p.deployed!.id} again (verified)`] : []),
      ...notBack,
    ];
    return parts.length ? `; ${parts.join('; ')}` : '';
  }
}

/**
 * What differs from the deployed revision: every file when forced; files it had that are gone now
 * (a deploy target's only when its target `prunes`).
 */
function changes(files: RenderedFile[], deployed: Revision | null, forced: boolean, prunes: (target: string) => boolean): Pick<Prepared, 'changed' | 'dropped'> {
  const before = new Map((deployed?.files ?? []).map((f) => [f.name, f.sha256]));
  const now = new Set(files.map((f) => f.name));
  return {
    changed: forced ? files : files.filter((f) => before.get(f.name) !== f.sha256),
    dropped: (deployed?.files ?? []).filter((f) => !now.has(f.name) && (!f.deploy || prunes(f.deploy.target))).map((f) => f.name),
  };
}

const revisionKey = (rev: Revision | null) => (rev ? `${rev.id}:${rev.status}` : null);
const warningsOf = (p: Prepared) => (p.warnings.length ? { warnings: p.warnings } : {});

function restartMessage(restart: readonly string[]): string {
  const servers = [...new Set(restart.map((r) => r.slice(0, r.indexOf(':'))))];
  return `restart Asterisk on ${servers.join(', ')} to apply: ${restart.join('; ')}`;
}
