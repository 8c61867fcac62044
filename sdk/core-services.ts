import { createServiceRef } from './refs.ts';
import type { ClusterSnapshotView, ClusterView, ServerView } from './commit.ts';

export interface LicenseInfo {
  type: 'evaluation' | 'full' | 'none';
  customer: string;
  features: string[];
  maxExtensions: number | null;
  expiresAt: string | null;
  daysRemaining: number | null;
  valid: boolean;
  /** Configuration changes are refused while false; monitoring goes on. */
  writable: boolean;
  reason?: string;
}

export interface LicenseService {
  info(): LicenseInfo;
  allows(feature: string): boolean;
  /** Throws LicenseReadOnlyError when configuration may not change. */
  assertWritable(): void;
}

export interface AuditRecord {
  action: string;
  target?: string;
  targetId?: string | number;
  before?: unknown;
  after?: unknown;
  username?: string | null;
  userId?: number | null;
  tenantId?: number | null;
  ip?: string | null;
}

/** One audit event as plugins read it (before/after left out: they may hold configuration). */
export interface AuditEntry {
  id: number; at: Date; action: string; username?: string | null; userId?: number | null; tenantId?: number | null;
  target?: string | null; targetId?: string | null; ip?: string | null;
}

export interface AuditService {
  record(event: AuditRecord): Promise<void>;
  /** Newest first: events whose action starts with `actionPrefix` (e.g. `auth.login`), optionally of one tenant. */
  list(query: { actionPrefix?: string; since?: Date; tenantId?: number | null; limit?: number }): Promise<AuditEntry[]>;
}

export interface KernelInfo {
  version: string;
  site: string;
  startedAt: Date;
  plugins(): { id: string; title: string; version: string; enabled: boolean; licensed: boolean; started: boolean }[];
}

/** One AMI event from one server. */
export interface AmiEvent {
  serverId: number;
  clusterId: number;
  tenantId: number;
  event: string;
  /** First value of each header. */
  fields: Record<string, string>;
  /** Every header in order (repeated ones kept). */
  headers: [string, string][];
  receivedAt: number;
}

export interface AmiService {
  /** Subscribes to an event by name (`*` for all); returns the unsubscribe function. */
  on(event: string, handler: (e: AmiEvent) => void): () => void;
  /** Sends an action to one server; resolves with the response's headers (first values). */
  action(serverId: number, action: string, headers?: Record<string, string>): Promise<Record<string, string>>;
  /** A list action (…Complete collected); resolves with each item's headers. */
  list(serverId: number, action: string, headers?: Record<string, string>, emptyOnError?: string[]): Promise<Record<string, string>[]>;
  /** A CLI command; resolves with its output lines. */
  command(serverId: number, cli: string): Promise<string[]>;
  /** Servers of a cluster (or all) that are connected now. */
  connected(clusterId?: number): { serverId: number; clusterId: number; name: string }[];
}

export interface SshFileInfo { size: number; mtimeMs: number; isFile: boolean; isDirectory: boolean }

/** Several file operations on one server over one SSH connection. */
export interface SshSession {
  exec(command: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(path: string): Promise<Buffer>;
  /** Temp name, size and hash checked, then renamed. */
  writeFileAtomic(path: string, content: string | Buffer): Promise<void>;
  /** null when the path does not exist. */
  stat(path: string): Promise<SshFileInfo | null>;
  readdir(path: string): Promise<(SshFileInfo & { name: string })[]>;
  mkdirp(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export interface SshService {
  exec(serverId: number, command: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(serverId: number, path: string): Promise<string>;
  writeFileAtomic(serverId: number, path: string, content: string): Promise<void>;
  /** Runs `fn` with one connection to the server (closed afterwards, whatever happens). */
  session<T>(serverId: number, fn: (s: SshSession) => Promise<T>): Promise<T>;
}

/** Read-only access to the core model, as plugins may see it (no server credentials). */
export interface ModelService {
  clusters(): Promise<ClusterView[]>;
  servers(clusterId?: number): Promise<ServerView[]>;
  snapshot(clusterId: number): Promise<ClusterSnapshotView>;
}

/** Every core service a plugin may ask for, in one place. */
export const coreServices = {
  ami: createServiceRef<AmiService>('core.ami'),
  ssh: createServiceRef<SshService>('core.ssh'),
  model: createServiceRef<ModelService>('core.model'),
  license: createServiceRef<LicenseService>('core.license'),
  audit: createServiceRef<AuditService>('core.audit'),
  kernel: createServiceRef<KernelInfo>('core.kernel'),
};
