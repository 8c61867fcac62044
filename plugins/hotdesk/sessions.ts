import {
  ConflictError, NotFoundError, objectNames, parseInput, ValidationError, visibleClusters, visibleTo, z,
  type AmiService, type AuditService, type ClusterSnapshotView, type EntityManager, type ExtensionView, type ModelService, type Principal, type Resource,
} from '../../sdk/index.ts';
import { HotdeskSessionSchema, type HotdeskPhone, type HotdeskSession } from './entities.ts';
import { FAMILY } from './render.ts';

const extension = z.string().regex(/^[0-9]{2,10}$/, 'an extension number: 2 to 10 digits');
export const LoginBody = z.strictObject({ clusterId: z.number().int().positive(), user: extension, phone: extension });
/** Log out a user, or whoever is at a phone. */
export const LogoutBody = z.strictObject({ clusterId: z.number().int().positive(), user: extension.optional(), phone: extension.optional() })
  .refine((b) => !!b.user !== !!b.phone, { message: 'name the user or the phone', path: ['user'] });

export type Source = 'api' | 'cli' | 'phone' | 'auto';

export interface SessionDeps {
  em(): EntityManager;
  phones: Resource<HotdeskPhone>;
  ami: AmiService;
  model: ModelService;
  audit: AuditService;
  /** After a session began or ended (the live views). */
  changed(clusterId: number): void;
}

export interface SessionView {
  id: number; clusterId: number; phoneId: number; phone: string; user: string; userExtensionId: number; source: string; since: Date;
}

/**
 * Who is logged in where. AstDB (family acm-hotdesk) is what the dialplan reads; acm writes it
 * over AMI (DBPut/DBDel) on every connected server of the cluster and keeps the session in its
 * own table, so the views, the automatic log-out and a resync after a server restart work. A log-in
 * on the phone (*80) is written by the dialplan and reaches acm as a UserEvent (`fromPhone`).
 */
export class Sessions {
  constructor(private d: SessionDeps) {}

  private async cluster(user: Principal, clusterId: number) {
    const c = visibleClusters(user, await this.d.model.clusters()).find((x) => x.id === clusterId);
    if (!c) throw new ValidationError([{ field: 'clusterId', message: `no cluster ${clusterId}` }]);
    return { c, s: await this.d.model.snapshot(clusterId) };
  }

  /** The hot-desk phone `number` of the snapshot's cluster: 422 for no extension, 404 for an extension that is no hot-desk phone. */
  private async phone(s: ClusterSnapshotView, number: string): Promise<{ e: ExtensionView; p: HotdeskPhone }> {
    const e = s.extensions.find((x) => x.extension === number);
    if (!e) throw new ValidationError([{ field: 'phone', message: `no extension ${number} on cluster ${s.cluster.name}` }]);
    const p = (await this.d.phones.all(s.cluster.id)).find((x) => x.extensionId === e.id);
    if (!p) throw new NotFoundError(`extension ${number} is not a hot-desk phone`);
    return { e, p };
  }

  private async userExtension(user: Principal, s: ClusterSnapshotView, number: string): Promise<ExtensionView> {
    const e = s.extensions.find((x) => x.extension === number);
    if (e) {
      if ((await this.d.phones.all(s.cluster.id)).some((p) => p.extensionId === e.id)) {
        throw new ValidationError([{ field: 'user', message: `extension ${number} is a hot-desk phone, not a user` }]);
      }
      return e;
    }
    for (const c of visibleClusters(user, await this.d.model.clusters())) {
      if (c.id === s.cluster.id || c.tenantId !== s.tenant.id) continue;
      if ((await this.d.model.snapshot(c.id)).extensions.some((x) => x.extension === number)) {
        throw new ValidationError([{ field: 'user', message: `extension ${number} is on cluster ${c.name}, not ${s.cluster.name}: a user logs in on the own cluster` }]);
      }
    }
    throw new ValidationError([{ field: 'user', message: `no extension ${number}` }]);
  }

  private servers(clusterId: number): number[] {
    const ids = this.d.ami.connected(clusterId).map((x) => x.serverId);
    if (!ids.length) throw new ConflictError(`no connected server in cluster ${clusterId}: the phones cannot learn of a log-in`);
    return ids;
  }

  /** DBPut / DBDel on every connected server (an HA pair's standby too); fails only when no server took it. */
  private async onEach(clusterId: number, action: 'DBPut' | 'DBDel', headers: Record<string, string>[], servers = this.servers(clusterId)): Promise<number> {
    const results = await Promise.allSettled(servers.map(async (id) => {
      for (const h of headers) {
        await this.d.ami.action(id, action, h).catch((err: Error) => {
          if (action === 'DBDel' && /could not be deleted/i.test(err.message)) return; // already gone
          throw err;
        });
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && results.every((r) => r.status === 'rejected')) throw failed.reason;
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  private keys(s: ClusterSnapshotView, phone: ExtensionView, user: ExtensionView) {
    return { phone: `phone/${objectNames.endpoint(s.tenant, phone)}`, user: `user/${objectNames.endpoint(s.tenant, user)}` };
  }

  async login(actor: Principal, body: unknown, source: Source = 'api', ip?: string) {
    const b = parseInput(LoginBody, body);
    const { s } = await this.cluster(actor, b.clusterId);
    const { e: pe, p } = await this.phone(s, b.phone);
    const ue = await this.userExtension(actor, s, b.user);
    const em = this.d.em();
    const busy = await em.findOne(HotdeskSessionSchema, { $or: [{ phoneId: p.id }, { userExtensionId: ue.id }] });
    if (busy) {
      const busyPhone = (await this.d.phones.all(s.cluster.id)).find((q) => q.id === busy.phoneId);
      const other = s.extensions.find((x) => x.id === (busy.phoneId === p.id ? busy.userExtensionId : busyPhone?.extensionId));
      throw new ConflictError(busy.phoneId === p.id && busy.userExtensionId === ue.id ? `${b.user} is logged in at ${b.phone} already`
        : busy.phoneId === p.id ? `phone ${b.phone} is in use by ${other?.extension ?? `extension ${busy.userExtensionId}`}: log out first`
          : `${b.user} is logged in at another phone (${other?.extension ?? `hot-desk phone ${busy.phoneId}`}): log out first`);
    }
    const servers = this.servers(s.cluster.id);
    const k = this.keys(s, pe, ue);
    await this.onEach(s.cluster.id, 'DBPut', [
      { Family: FAMILY, Key: k.phone, Val: ue.extension }, { Family: FAMILY, Key: k.user, Val: objectNames.endpoint(s.tenant, pe) },
    ], servers);
    const row = await this.store(em, { tenantId: s.tenant.id, clusterId: s.cluster.id, phoneId: p.id, userExtensionId: ue.id, source, since: new Date() });
    await this.d.audit.record({ action: 'hotdesk.session.login', target: 'hotdesk.session', targetId: row.id, after: { phone: b.phone, user: b.user, source }, username: actor.username, userId: actor.userId, tenantId: s.tenant.id, ip: ip ?? null });
    this.d.changed(s.cluster.id);
    return { ...this.view(s, row, await this.d.phones.all(s.cluster.id)), servers: servers.length };
  }

  private async store(em: EntityManager, values: Omit<HotdeskSession, 'id'>): Promise<HotdeskSession> {
    const row = em.create(HotdeskSessionSchema, values as HotdeskSession);
    try {
      await em.flush();
    } catch (err) {
      if (/unique|duplicate/i.test((err as Error).message)) throw new ConflictError('the user or the phone has just been logged in elsewhere');
      throw err;
    }
    return row;
  }

  async logout(actor: Principal, body: unknown, source: Source = 'api', ip?: string) {
    const b = parseInput(LogoutBody, body);
    const { s } = await this.cluster(actor, b.clusterId);
    const em = this.d.em();
    let row: HotdeskSession | null;
    if (b.phone) {
      const { p } = await this.phone(s, b.phone);
      row = await em.findOne(HotdeskSessionSchema, { phoneId: p.id });
      if (!row) throw new NotFoundError(`nobody is logged in at ${b.phone}`);
    } else {
      const ue = await this.userExtension(actor, s, b.user!);
      row = await em.findOne(HotdeskSessionSchema, { userExtensionId: ue.id, clusterId: s.cluster.id });
      if (!row) throw new NotFoundError(`${b.user} is not logged in`);
    }
    const servers = await this.end(s, em, row);
    await this.d.audit.record({ action: 'hotdesk.session.logout', target: 'hotdesk.session', targetId: row.id, before: this.view(s, row), after: { source }, username: actor.username, userId: actor.userId, tenantId: s.tenant.id, ip: ip ?? null });
    return { ok: true, servers };
  }

  /** Deletes AstDB's keys of a session on every connected server and the row. */
  private async end(s: ClusterSnapshotView, em: EntityManager, row: HotdeskSession): Promise<number> {
    const phone = (await this.d.phones.all(s.cluster.id)).find((p) => p.id === row.phoneId);
    const pe = phone && s.extensions.find((x) => x.id === phone.extensionId);
    const ue = s.extensions.find((x) => x.id === row.userExtensionId);
    const headers: Record<string, string>[] = [];
    if (pe) headers.push({ Family: FAMILY, Key: `phone/${objectNames.endpoint(s.tenant, pe)}` });
    if (ue) headers.push({ Family: FAMILY, Key: `user/${objectNames.endpoint(s.tenant, ue)}` });
    const servers = headers.length ? await this.onEach(s.cluster.id, 'DBDel', headers) : 0;
    await em.nativeDelete(HotdeskSessionSchema, { id: row.id });
    this.d.changed(s.cluster.id);
    return servers;
  }

  view(s: ClusterSnapshotView, row: HotdeskSession, phones?: readonly HotdeskPhone[]): SessionView {
    const phone = phones?.find((p) => p.id === row.phoneId);
    const pe = phone ? s.extensions.find((x) => x.id === phone.extensionId) : undefined;
    const ue = s.extensions.find((x) => x.id === row.userExtensionId);
    return { id: row.id, clusterId: row.clusterId, phoneId: row.phoneId, phone: pe?.extension ?? '', user: ue?.extension ?? '', userExtensionId: row.userExtensionId, source: row.source, since: row.since };
  }

  /** The sessions the caller may see (their clusters), optionally of one cluster. */
  async list(actor: Principal, clusterId?: number): Promise<SessionView[]> {
    const clusters = visibleClusters(actor, await this.d.model.clusters()).filter((c) => !clusterId || c.id === clusterId);
    const rows = await this.d.em().find(HotdeskSessionSchema, { clusterId: { $in: clusters.map((c) => c.id) } }, { orderBy: { id: 'asc' } });
    const out: SessionView[] = [];
    for (const c of clusters) {
      const mine = rows.filter((r) => r.clusterId === c.id);
      if (!mine.length) continue;
      const s = await this.d.model.snapshot(c.id);
      const phones = await this.d.phones.all(c.id);
      out.push(...mine.filter((r) => visibleTo(actor, { tenantId: r.tenantId, siteId: c.siteId, clusterId: c.id })).map((r) => this.view(s, r, phones)));
    }
    return out;
  }

  /** Rows of every cluster (the automatic log-out, the resync). */
  all(clusterId?: number): Promise<HotdeskSession[]> {
    return this.d.em().find(HotdeskSessionSchema, clusterId ? { clusterId } : {}, { orderBy: { id: 'asc' } });
  }

  /** A log-in or log-out the dialplan made (UserEvent HotdeskLogin/HotdeskLogout), with the endpoints as AstDB holds them. */
  async fromPhone(clusterId: number, serverId: number, kind: 'login' | 'logout', phoneEndpoint: string, userNumber: string): Promise<void> {
    const s = await this.d.model.snapshot(clusterId);
    const pe = s.extensions.find((x) => objectNames.endpoint(s.tenant, x) === phoneEndpoint);
    const phone = pe && (await this.d.phones.all(clusterId)).find((p) => p.extensionId === pe.id);
    const ue = s.extensions.find((x) => x.extension === userNumber);
    if (!pe || !phone || !ue) return;
    const em = this.d.em();
    const others = this.d.ami.connected(clusterId).map((x) => x.serverId).filter((id) => id !== serverId);
    const k = this.keys(s, pe, ue);
    if (kind === 'login') {
      if (await em.findOne(HotdeskSessionSchema, { $or: [{ phoneId: phone.id }, { userExtensionId: ue.id }] })) return;
      await this.store(em, { tenantId: s.tenant.id, clusterId, phoneId: phone.id, userExtensionId: ue.id, source: 'phone', since: new Date() });
      // The other servers of the cluster (an HA standby) learn it too.
      if (others.length) await this.onEach(clusterId, 'DBPut', [{ Family: FAMILY, Key: k.phone, Val: ue.extension }, { Family: FAMILY, Key: k.user, Val: phoneEndpoint }], others).catch(() => 0);
    } else {
      await em.nativeDelete(HotdeskSessionSchema, { phoneId: phone.id });
      if (others.length) await this.onEach(clusterId, 'DBDel', [{ Family: FAMILY, Key: k.phone }, { Family: FAMILY, Key: k.user }], others).catch(() => 0);
    }
    await this.d.audit.record({ action: `hotdesk.session.${kind}`, target: 'hotdesk.session', after: { phone: pe.extension, user: ue.extension, source: 'phone' }, username: `phone:${pe.extension}`, tenantId: s.tenant.id });
    this.d.changed(clusterId);
  }

  /** After a server (re)connected: AstDB gets acm's sessions again (an Asterisk restart keeps AstDB, a rebuilt server does not). */
  async resync(clusterId: number, serverId: number): Promise<number> {
    const rows = await this.all(clusterId);
    if (!rows.length) return 0;
    const s = await this.d.model.snapshot(clusterId);
    const phones = await this.d.phones.all(clusterId);
    const headers: Record<string, string>[] = [];
    for (const r of rows) {
      const phone = phones.find((p) => p.id === r.phoneId);
      const pe = phone && s.extensions.find((x) => x.id === phone.extensionId);
      const ue = s.extensions.find((x) => x.id === r.userExtensionId);
      if (!pe || !ue) continue;
      const k = this.keys(s, pe, ue);
      headers.push({ Family: FAMILY, Key: k.phone, Val: ue.extension }, { Family: FAMILY, Key: k.user, Val: objectNames.endpoint(s.tenant, pe) });
    }
    await this.onEach(clusterId, 'DBPut', headers, [serverId]);
    return rows.length;
  }

  /** Logs everybody out of a cluster (the automatic log-out). */
  async logoutAll(clusterId: number): Promise<number> {
    const rows = await this.all(clusterId);
    if (!rows.length) return 0;
    const s = await this.d.model.snapshot(clusterId);
    const em = this.d.em();
    for (const r of rows) await this.end(s, em, r);
    await this.d.audit.record({ action: 'hotdesk.session.logout', target: 'hotdesk.session', after: { source: 'auto', sessions: rows.length }, username: 'hotdesk:auto-logout', tenantId: s.tenant.id });
    return rows.length;
  }
}
