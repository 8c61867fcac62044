import { EntitySchema } from '@mikro-orm/core';
import { col } from './schema-helpers.ts';
import { SecretType } from '../crypto/secret-type.ts';
import { OutboxEntrySchema } from './outbox-entity.ts';

/**
 * Core entities. Parent links are plain id columns (tenantId, siteId, clusterId, groupId) so every
 * row can be filtered by tenant and scope without joins; the services check that parents exist.
 */
interface Row {
  id: number;
  createdAt: Date;
  updatedAt: Date;
}

const base = { id: col.id(), createdAt: col.created(), updatedAt: col.updated() };
/** A password, key or PIN: sealed in the table (text: the ciphertext is longer than the value). */
const secret = () => ({ type: SecretType, nullable: true }) as const;

export interface Tenant extends Row { name: string; description?: string | null; dialPrefix?: string | null }
export const TenantSchema = new EntitySchema<Tenant>({
  name: 'Tenant',
  tableName: 'tenants',
  properties: { ...base, name: col.reqStr(80, { unique: true }), description: col.str(), dialPrefix: col.str(16) },
});

export interface Site extends Row { tenantId: number; name: string; description?: string | null; timezone?: string | null }
export const SiteSchema = new EntitySchema<Site>({
  name: 'Site',
  tableName: 'sites',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: { ...base, tenantId: col.ref({ nullable: false }), name: col.reqStr(80), description: col.str(), timezone: col.str(64) },
});

export interface Cluster extends Row {
  tenantId: number; siteId: number; name: string; description?: string | null; vip?: string | null;
  asteriskConfigDir?: string | null; sipBindAddress?: string | null;
}
export const ClusterSchema = new EntitySchema<Cluster>({
  name: 'Cluster',
  tableName: 'clusters',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: {
    ...base, tenantId: col.ref({ nullable: false }), siteId: col.ref({ nullable: false }), name: col.reqStr(80),
    description: col.str(), vip: col.str(64), asteriskConfigDir: col.str(255), sipBindAddress: col.str(45),
  },
});

export interface Server extends Row {
  tenantId: number; siteId: number; clusterId: number; name: string; host: string; role?: string | null;
  sshPort: number; sshUser?: string | null; sshPassword?: string | null; sshPrivateKey?: string | null;
  sshHostKey?: string | null; amiPort: number; amiUser?: string | null; amiSecret?: string | null;
  ariPort?: number | null; ariUser?: string | null; ariPassword?: string | null; sipPort?: number | null;
  enabled: boolean;
}
export const ServerSchema = new EntitySchema<Server>({
  name: 'Server',
  tableName: 'servers',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: {
    ...base, tenantId: col.ref({ nullable: false }), siteId: col.ref({ nullable: false }), clusterId: col.ref({ nullable: false }),
    name: col.reqStr(80), host: col.reqStr(255), role: col.str(16),
    sshPort: col.int({ nullable: false, default: 22 }), sshUser: col.str(64), sshPassword: secret(),
    sshPrivateKey: { ...secret(), columnType: 'mediumtext' }, sshHostKey: col.str(255),
    amiPort: col.int({ nullable: false, default: 5038 }), amiUser: col.str(64), amiSecret: secret(),
    ariPort: col.int(), ariUser: col.str(64), ariPassword: secret(), sipPort: col.int(),
    enabled: col.bool(true),
  },
});

export interface Group extends Row {
  tenantId: number; name: string; description?: string | null; context?: string | null;
  rights?: string[] | null; templateExtensionId?: number | null;
}
export const GroupSchema = new EntitySchema<Group>({
  name: 'Group',
  tableName: 'extension_groups',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: {
    ...base, tenantId: col.ref({ nullable: false }), name: col.reqStr(80), description: col.str(),
    context: col.str(80), rights: col.json(), templateExtensionId: col.ref(),
  },
});

/** The extension: the 66 fields of the seed's status database, in camelCase (`extension` is the number). */
export interface Extension extends Row {
  tenantId: number; siteId: number; clusterId: number; groupId?: number | null;
  name: string; extension: string; callerId?: string | null; defaultUser?: string | null; authUser?: string | null;
  secret?: string | null; mailbox?: string | null; vmSecret?: string | null; accountCode?: string | null;
  context?: string | null; amaFlags?: string | null; callGroup?: string | null; canReinvite?: string | null;
  defaultIp?: string | null; dtmfMode?: string | null; fromUser?: string | null; fromDomain?: string | null;
  fullContact?: string | null; host?: string | null; insecure?: string | null; language?: string | null;
  md5Secret?: string | null; nat?: string | null; acl?: string | null; deny?: string | null; permit?: string | null;
  mask?: string | null; pickupGroup?: string | null; port?: string | null; qualify?: string | null;
  restrictCid?: string | null; rtpTimeout?: string | null; rtpHoldTimeout?: string | null; type?: string | null;
  disallow?: string | null; allow?: string | null; musicOnHold?: string | null; regSeconds?: number | null;
  ipAddr?: string | null; canCallForward?: string | null; callLimit?: number | null; lastMs?: number | null;
  userAgent?: string | null; regServer?: string | null; phoneProv?: string | null; phoneMac?: string | null;
  profile?: string | null; protocol?: string | null; encryption?: string | null; fallback?: string | null;
  extStatus?: number | null; agentStatus?: string | null; queue?: string | null; callsDin?: number | null;
  callsQin?: number | null; callsOut?: number | null; vmUnread?: number | null; vmOld?: number | null;
  cfwdSet?: string | null; cfwdTo?: string | null; callbackExtension?: string | null; directory?: string | null;
}
export const ExtensionSchema = new EntitySchema<Extension>({
  name: 'Extension',
  tableName: 'extensions',
  uniques: [{ properties: ['clusterId', 'extension'] }],
  indexes: [{ properties: ['tenantId', 'extension'] }],
  properties: {
    ...base,
    tenantId: col.ref({ nullable: false }), siteId: col.ref({ nullable: false }), clusterId: col.ref({ nullable: false }),
    groupId: col.ref(),
    name: col.reqStr(80), extension: col.reqStr(20), callerId: col.str(80), defaultUser: col.str(80),
    authUser: col.str(22), secret: secret(), mailbox: col.str(50), vmSecret: secret(), accountCode: col.str(20),
    context: col.str(80), amaFlags: col.str(13), callGroup: col.str(40), canReinvite: col.str(6), defaultIp: col.str(45),
    dtmfMode: col.str(10), fromUser: col.str(80), fromDomain: col.str(80), fullContact: col.str(255), host: col.str(255),
    insecure: col.str(20), language: col.str(5), md5Secret: secret(), nat: col.str(20), acl: col.str(80),
    deny: col.str(95), permit: col.str(95), mask: col.str(95), pickupGroup: col.str(40), port: col.str(5),
    qualify: col.str(5), restrictCid: col.str(3), rtpTimeout: col.str(5), rtpHoldTimeout: col.str(5), type: col.str(6),
    disallow: col.str(100), allow: col.str(100), musicOnHold: col.str(100), regSeconds: col.int(), ipAddr: col.str(45),
    canCallForward: col.str(3), callLimit: col.int(), lastMs: col.int(), userAgent: col.str(255), regServer: col.str(100),
    phoneProv: col.str(255), phoneMac: col.str(17), profile: col.str(15), protocol: col.str(10), encryption: col.str(3),
    fallback: col.str(80), extStatus: col.int(), agentStatus: col.str(40), queue: col.str(80), callsDin: col.int(),
    callsQin: col.int(), callsOut: col.int(), vmUnread: col.int(), vmOld: col.int(), cfwdSet: col.str(3),
    cfwdTo: col.str(40), callbackExtension: col.str(15), directory: col.str(3),
  },
});

export interface Trunk extends Row {
  tenantId: number; siteId: number; clusterId: number; name: string; host?: string | null; port?: number | null;
  transport?: string | null; username?: string | null; secret?: string | null; fromDomain?: string | null;
  fromUser?: string | null; register: boolean; codecs?: string | null; acl?: string | null; context?: string | null;
  maxChannels?: number | null; dialPrefix?: string | null; outboundPatterns?: string[] | null; qualify: boolean;
  registrationStatus?: string | null;
}
export const TrunkSchema = new EntitySchema<Trunk>({
  name: 'Trunk',
  tableName: 'trunks',
  uniques: [{ properties: ['clusterId', 'name'] }],
  properties: {
    ...base, tenantId: col.ref({ nullable: false }), siteId: col.ref({ nullable: false }), clusterId: col.ref({ nullable: false }),
    name: col.reqStr(80), host: col.str(255), port: col.int(), transport: col.str(8), username: col.str(80),
    secret: secret(), fromDomain: col.str(255), fromUser: col.str(80), register: col.bool(false),
    codecs: col.str(100), acl: col.str(80), context: col.str(80), maxChannels: col.int(), dialPrefix: col.str(16),
    outboundPatterns: col.json(), qualify: col.bool(true), registrationStatus: col.str(40),
  },
});

export interface Acl extends Row {
  tenantId: number; name: string; description?: string | null;
  /** Ordered rules as Asterisk applies them: deny/permit with a network (CIDR or address/mask). */
  rules: { action: 'permit' | 'deny'; network: string }[];
}
export const AclSchema = new EntitySchema<Acl>({
  name: 'Acl',
  tableName: 'acls',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: { ...base, tenantId: col.ref({ nullable: false }), name: col.reqStr(80), description: col.str(), rules: col.json({ nullable: false }) },
});

/** One staged edit ("changes waiting"), written in the same transaction as the edit itself. */
export interface ChangeSetEntry {
  id: number; tenantId: number; clusterId?: number | null; entity: string; entityId: number;
  action: 'create' | 'update' | 'delete'; before?: unknown; after?: unknown; userId?: number | null;
  username?: string | null; createdAt: Date; revisionId?: number | null;
}
export const ChangeSetEntrySchema = new EntitySchema<ChangeSetEntry>({
  name: 'ChangeSetEntry',
  tableName: 'change_set_entries',
  indexes: [{ properties: ['clusterId', 'revisionId'] }],
  properties: {
    id: col.id(), tenantId: col.ref({ nullable: false }), clusterId: col.ref(), entity: col.reqStr(40), entityId: col.int({ nullable: false }),
    action: col.reqStr(10), before: col.json(), after: col.json(), userId: col.ref(), username: col.str(80),
    createdAt: col.created(), revisionId: col.ref(),
  },
});

export interface AuditEvent {
  id: number; at: Date; tenantId?: number | null; userId?: number | null; username?: string | null; action: string;
  target?: string | null; targetId?: string | null; before?: unknown; after?: unknown; ip?: string | null;
  /** What people search the log by: the object's number and name (`6102 Eddie`, `carrier-a`). */
  label?: string | null;
}
export const AuditEventSchema = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  indexes: [{ properties: ['at'] }],
  properties: {
    id: col.id(), at: col.created(), tenantId: col.ref(), userId: col.ref(), username: col.str(80), action: col.reqStr(80),
    target: col.str(40), targetId: col.str(40), before: col.json(), after: col.json(), ip: col.str(64), label: col.str(120),
  },
});

export interface User extends Row {
  tenantId?: number | null; username: string; passwordHash: string; role: string;
  /** Limits the role to sites/clusters/groups; empty = the whole tenant (or everything when tenantId is null). */
  scopes: { type: 'site' | 'cluster' | 'group'; id: number }[];
  totpSecret?: string | null; lastLoginAt?: Date | null;
  enabled: boolean; fullName?: string | null; email?: string | null;
}
export const UserSchema = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  properties: {
    ...base, tenantId: col.ref(), username: col.reqStr(80, { unique: true }), passwordHash: col.reqStr(255),
    role: col.reqStr(40), scopes: col.json({ nullable: false }), totpSecret: secret(), lastLoginAt: col.date(),
    enabled: col.bool(true), fullName: col.str(120), email: col.str(255),
  },
});

export interface Role extends Row { name: string; description?: string | null; permissions: string[] }
export const RoleSchema = new EntitySchema<Role>({
  name: 'Role',
  tableName: 'roles',
  properties: { ...base, name: col.reqStr(40, { unique: true }), description: col.str(), permissions: col.json({ nullable: false }) },
});

/** A browser session or an API token: only the SHA-256 of the secret is stored. */
export interface Session {
  id: number; userId: number; tokenHash: string; kind: 'session' | 'token'; name?: string | null;
  createdAt: Date; expiresAt?: Date | null; lastUsedAt?: Date | null;
}
export const SessionSchema = new EntitySchema<Session>({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: col.id(), userId: col.ref({ nullable: false }), tokenHash: col.reqStr(64, { unique: true }), kind: col.reqStr(10),
    name: col.str(80), createdAt: col.created(), expiresAt: col.date(), lastUsedAt: col.date(),
  },
});

/** Installed license file (signed) or the evaluation record made on first start. */
export interface LicenseRecord { id: number; kind: 'evaluation' | 'file'; content: string; installedAt: Date; active: boolean }
export const LicenseRecordSchema = new EntitySchema<LicenseRecord>({
  name: 'LicenseRecord',
  tableName: 'licenses',
  properties: { id: col.id(), kind: col.reqStr(12), content: col.text({ nullable: false }), installedAt: col.created(), active: col.bool(true) },
});

/** An admin's enable/disable of a plugin for a site, layered over sites/<site>/site.yaml. */
export interface PluginState { id: number; site: string; pluginId: string; enabled: boolean; updatedAt: Date }
export const PluginStateSchema = new EntitySchema<PluginState>({
  name: 'PluginState',
  tableName: 'plugin_states',
  uniques: [{ properties: ['site', 'pluginId'] }],
  properties: { id: col.id(), site: col.reqStr(80), pluginId: col.reqStr(80), enabled: col.bool(true), updatedAt: col.updated() },
});

/** A rendered file's content, stored once per distinct content (revisions share unchanged files). */
/**
 * One stored file content by the SHA-256 of its bytes. `encoding` null: `content` is the text;
 * `base64`: a binary file (a deploy target's audio prompt), `content` its bytes in base64.
 */
export interface ConfigBlob { sha256: string; content: string; size: number; encoding?: 'base64' | null }
export const ConfigBlobSchema = new EntitySchema<ConfigBlob>({
  name: 'ConfigBlob',
  tableName: 'config_blobs',
  properties: {
    sha256: { type: 'string', length: 64, primary: true }, content: { type: 'text', columnType: 'longtext' }, size: col.int({ nullable: false }),
    encoding: { type: 'string', length: 10, nullable: true },
  },
});

/**
 * A file holding secrets (a deploy target's, sdk/commit.ts `DeployFile.secrets`), kept whole and
 * sealed: its ConfigBlob holds the masked text diffs and views show, this row what is pushed.
 */
export interface SealedFile { sha256: string; content: string }
export const SealedFileSchema = new EntitySchema<SealedFile>({
  name: 'SealedFile',
  tableName: 'sealed_files',
  properties: { sha256: { type: 'string', length: 64, primary: true }, content: { type: SecretType, nullable: false, columnType: 'longtext' } },
});

/** Where a deploy target's file goes: one server of the cluster, an absolute path. */
export interface DeployPlace { target: string; serverId: number; path: string }

/**
 * `sha256` is the file as pushed; `shown` (files with secrets) the hash of the masked text in
 * config_blobs, the whole file being in sealed_files. `deploy`: a deploy target's file; `binary`:
 * its content is bytes (config_blobs holds them base64, `size` counts the bytes).
 */
export interface RevisionFileRef { name: string; sha256: string; reload: string; size: number; shown?: string; deploy?: DeployPlace; binary?: true }

/**
 * One committed, rendered set of config files for one cluster: the backup. `deployed` = it went
 * onto every server and each proved it loaded it; `restart-required` = the same, but for what
 * only an Asterisk restart applies (`error` names the servers); `failed` = it was rolled back
 * (`error` says why); `pending` = in progress. The newest `deployed` or `restart-required`
 * revision of a cluster is what its servers run.
 */
export interface Revision {
  id: number; tenantId: number; clusterId: number; status: 'pending' | 'deployed' | 'restart-required' | 'failed';
  author: string; userId?: number | null; createdAt: Date; files: RevisionFileRef[]; changed: string[];
  changeIds: number[]; error?: string | null; rollbackOf?: number | null; previousId?: number | null;
}
export const RevisionSchema = new EntitySchema<Revision>({
  name: 'Revision',
  tableName: 'revisions',
  indexes: [{ properties: ['clusterId', 'status'] }],
  properties: {
    id: col.id(), tenantId: col.ref({ nullable: false }), clusterId: col.ref({ nullable: false }), status: col.reqStr(20),
    author: col.reqStr(80), userId: col.ref(), createdAt: col.created(), files: col.json({ nullable: false }),
    changed: col.json({ nullable: false }), changeIds: col.json({ nullable: false }), error: col.text(), rollbackOf: col.ref(),
    previousId: col.ref(),
  },
});

export const coreEntities = [
  TenantSchema, SiteSchema, ClusterSchema, ServerSchema, GroupSchema, ExtensionSchema, TrunkSchema, AclSchema,
  ChangeSetEntrySchema, AuditEventSchema, UserSchema, RoleSchema, SessionSchema, LicenseRecordSchema, PluginStateSchema,
  ConfigBlobSchema, SealedFileSchema, RevisionSchema, OutboxEntrySchema,
];
