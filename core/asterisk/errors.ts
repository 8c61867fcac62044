/**
 * Typed errors of the Asterisk adapters (AMI, ARI, SSH/SFTP). All extend the SDK's AcmError;
 * `code` is a stable machine-readable string (logs, metrics, API problem details).
 */
import { AcmError } from '../../sdk/errors.ts';

/** Base of every Asterisk-adapter error: the PBX or the path to it misbehaved (HTTP 502). */
export class AsteriskError extends AcmError {
  override readonly status: number = 502;
  override readonly type: string = 'urn:acm:asterisk';
  override readonly title: string = 'Asterisk server error';
  readonly code: string = 'ASTERISK_ERROR';
}

/** An AMI action got no answer in time (the connection may still be alive). */
export class AmiTimeoutError extends AsteriskError {
  override readonly status = 504;
  override readonly code = 'AMI_TIMEOUT';
  constructor(readonly action: string, readonly timeoutMs: number) {
    super(`AMI action ${action} timed out after ${timeoutMs} ms`, { action, timeoutMs });
  }
}

/** The AMI socket is (or went) down; every pending action rejects with this. */
export class AmiDisconnectedError extends AsteriskError {
  override readonly code = 'AMI_DISCONNECTED';
  constructor(message = 'AMI connection closed', readonly action?: string) {
    super(action ? `${message} (action ${action})` : message, action ? { action } : {});
  }
}

/** Login refused (`Authentication failed`): wrong user or secret, or ACL. */
export class AmiAuthError extends AsteriskError {
  override readonly code = 'AMI_AUTH_FAILED';
  constructor(message = 'Authentication failed') {
    super(message);
  }
}

/** The server answered `Response: Error`; `amiMessage` is its `Message:` header. */
export class AmiActionError extends AsteriskError {
  override readonly code: string = 'AMI_ACTION_ERROR';
  constructor(readonly action: string, readonly amiMessage: string) {
    super(`AMI action ${action} failed: ${amiMessage}`, { action, amiMessage });
  }
}

/** `Reload` named a module Asterisk does not know (`No such module`). */
export class AmiNoSuchModuleError extends AmiActionError {
  override readonly code = 'AMI_NO_SUCH_MODULE';
  constructor(readonly module: string) {
    super('Reload', `No such module: ${module}`);
  }
}

/** The SSH server offered another host key than the one pinned: nothing was sent to it. */
export class HostKeyMismatchError extends AsteriskError {
  override readonly code = 'SSH_HOST_KEY_MISMATCH';
  constructor(readonly server: string, readonly pinned: string, readonly offered: string, hint?: string) {
    super(`host key of ${server} changed: pinned ${pinned}, offered ${offered}${hint ? `; ${hint}` : ''}`, { server, pinned, offered });
  }
}

/** SSH connect/auth/channel failure (not a host-key mismatch). */
export class SshError extends AsteriskError {
  override readonly code: string = 'SSH_ERROR';
}

/** An SSH/SFTP step did not finish in time. */
export class SshTimeoutError extends SshError {
  override readonly code = 'SSH_TIMEOUT';
}

/** SFTP operation failed (`sftpCode` is the SFTP status code when known, e.g. 2 = no such file). */
export class SftpError extends SshError {
  override readonly code = 'SFTP_ERROR';
  constructor(message: string, readonly path: string, readonly sftpCode?: number) {
    super(message, { path, sftpCode });
  }
}

/** The file written did not read back with the expected size/hash: nothing was renamed. */
export class AtomicWriteVerifyError extends SshError {
  override readonly code = 'SFTP_VERIFY_FAILED';
  constructor(readonly path: string, detail: string) {
    super(`Atomic write of ${path} failed verification: ${detail}`, { path });
  }
}

/** ARI HTTP/WebSocket failure. */
export class AriError extends AsteriskError {
  override readonly code: string = 'ARI_ERROR';
}
