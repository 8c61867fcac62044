/**
 * SSH host-key fingerprints and the one check every SSH connection of acm goes through.
 * A fingerprint is `SHA256:<base64 without padding>` of the public key blob, as
 * `ssh-keygen -lf` and OpenSSH's prompts print it.
 */
import crypto from 'node:crypto';
import { HostKeyMismatchError } from './errors.ts';

/** The fingerprint of a public key blob (the SSH wire format). */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const SHA256_B64 = /^[A-Za-z0-9+/]{43}$/;

/**
 * Any accepted spelling (with or without `SHA256:`, with or without `=` padding) as the
 * canonical fingerprint; undefined when it is not a SHA-256 fingerprint.
 */
export function canonicalFingerprint(s: string): string | undefined {
  const b64 = s.trim().replace(/^SHA256:/, '').replace(/=+$/, '');
  return SHA256_B64.test(b64) ? `SHA256:${b64}` : undefined;
}

/**
 * The check: throws HostKeyMismatchError unless the offered key is the pinned one. A pin that
 * is not a fingerprint at all never matches (fails closed).
 */
export function checkHostKey(server: string, pinned: string, offered: string, hint?: string): void {
  const want = canonicalFingerprint(pinned) ?? pinned;
  if (want !== canonicalFingerprint(offered)) throw new HostKeyMismatchError(server, want, canonicalFingerprint(offered) ?? offered, hint);
}
