/**
 * Host keys of the Asterisk servers, trusted on first use: the first key a server offers is
 * pinned into its row (before any credential is sent), a different key later is refused
 * until an operator trusts it (`acm servers trust-host-key`, `POST /api/servers/:id/trust-host-key`).
 * Pinning is a direct update and an audit event, not a configuration change to commit.
 */
import type { MikroORM } from '@mikro-orm/core';
import { z } from 'zod';
import { NotFoundError } from '../../sdk/errors.ts';
import { parseInput } from '../../sdk/validation.ts';
import { DbAuditService } from '../audit.ts';
import { SshError } from './errors.ts';
import { canonicalFingerprint, checkHostKey } from './host-keys.ts';
import { SshTransport, type SshTransportOptions } from './ssh-transport.ts';
import { ServerSchema, type Server } from '../model/entities.ts';

export const trustHint = (server: Pick<Server, 'id'>) => `if the server was rebuilt, run \`acm servers trust-host-key ${server.id}\``;

/** Whether an unpinned server's first key is trusted; ACM_SSH_TRUST_ON_FIRST_USE=0 makes pinning in advance mandatory. */
export const trustOnFirstUse = (env: NodeJS.ProcessEnv = process.env) => env.ACM_SSH_TRUST_ON_FIRST_USE !== '0';

/** The SSH options of a server: its credentials, its pin, and pinning on first use. */
export function serverSshOptions(orm: MikroORM, server: Server, env: NodeJS.ProcessEnv = process.env): SshTransportOptions {
  return {
    host: server.host, port: server.sshPort, username: server.sshUser ?? 'root', label: server.name,
    password: server.sshPassword ?? undefined, privateKey: server.sshPrivateKey ?? undefined,
    hostKeySha256: server.sshHostKey ?? undefined, mismatchHint: trustHint(server),
    onUnpinnedHostKey: (fp) => (trustOnFirstUse(env) ? pinOnFirstUse(orm, server, fp) : Promise.reject(new SshError(
      `SSH connect to ${server.name} refused: no host key pinned and ACM_SSH_TRUST_ON_FIRST_USE=0; it offered ${fp}: check that on the server (ssh-keygen -lf) and run \`acm servers trust-host-key ${server.id} --fingerprint ${fp}\``,
    ))),
  };
}

/**
 * Opens an SFTP/exec session with a server's stored credentials. Every SSH connection to a
 * server goes through here: its pinned host key is checked, or the first key seen is pinned.
 */
export async function sshTo(orm: MikroORM, server: Server): Promise<SshTransport> {
  const t = new SshTransport(serverSshOptions(orm, server));
  await t.connect();
  return t;
}

/**
 * Pins `fingerprint` if the row still has no key (one conditional UPDATE, so two first
 * connections cannot pin two keys); if another connection pinned first, its key must match.
 */
async function pinOnFirstUse(orm: MikroORM, server: Server, fingerprint: string): Promise<void> {
  const em = orm.em.fork();
  const pinned = await em.nativeUpdate(ServerSchema, { id: server.id, sshHostKey: null }, { sshHostKey: fingerprint });
  if (pinned === 1) {
    server.sshHostKey = fingerprint;
    await new DbAuditService(orm).record({
      action: 'server.hostkey.pinned', target: 'server', targetId: server.id, tenantId: server.tenantId, username: 'acm',
      after: { server: server.name, fingerprint, how: 'first use' },
    });
    return;
  }
  const row = await em.findOne(ServerSchema, { id: server.id });
  if (!row) throw new NotFoundError(`no server ${server.id}`);
  checkHostKey(server.name, row.sshHostKey ?? '(none)', fingerprint, trustHint(server));
}

/** The key a server offers now, read from the handshake: no credential is sent. */
export async function offeredHostKey(server: Pick<Server, 'host' | 'sshPort' | 'name'>): Promise<string> {
  const probe = new Error('host key read');
  const t = new SshTransport({ host: server.host, port: server.sshPort, username: 'acm', label: server.name, onUnpinnedHostKey: () => Promise.reject(probe) });
  try {
    await t.connect();
  } catch (err) {
    if (err !== probe) throw err;
  } finally {
    await t.close();
  }
  if (!t.seenHostKey) throw new SshError(`${server.name} offered no host key`);
  return t.seenHostKey;
}

/** What the operator may give (API body, CLI options): a fingerprint, or nothing to take the offered key. */
export const TrustHostKeyInput = z.strictObject({
  fingerprint: z.string().max(100).refine((s) => canonicalFingerprint(s) !== undefined, 'a SHA256 fingerprint: SHA256: and 43 base64 characters').optional(),
});

export interface TrustedHostKey { serverId: number; server: string; previous: string | null; fingerprint: string }

/**
 * The operator's action: pin the key the server offers now, or the one given (checked by
 * them out of band, e.g. `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`). Audited.
 */
export async function trustHostKey(orm: MikroORM, serverId: number, body: unknown, actor: { username: string; userId?: number | null; ip?: string | null }): Promise<TrustedHostKey> {
  const given = parseInput(TrustHostKeyInput, body ?? {}).fingerprint;
  const em = orm.em.fork();
  const server = await em.findOne(ServerSchema, { id: serverId });
  if (!server) throw new NotFoundError(`no server ${serverId}`);
  const fingerprint = given === undefined ? await offeredHostKey(server) : canonicalFingerprint(given)!;
  const previous = server.sshHostKey ?? null;
  await em.nativeUpdate(ServerSchema, { id: server.id }, { sshHostKey: fingerprint });
  await new DbAuditService(orm).record({
    action: 'server.hostkey.trusted', target: 'server', targetId: server.id, tenantId: server.tenantId,
    username: actor.username, userId: actor.userId ?? null, ip: actor.ip ?? null,
    before: { fingerprint: previous }, after: { server: server.name, fingerprint, how: given === undefined ? 'offered by the server' : 'given' },
  });
  return { serverId: server.id, server: server.name, previous, fingerprint };
}
