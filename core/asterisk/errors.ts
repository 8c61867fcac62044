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

/**
 * ARI answered a call-control request with an error status. `code` says what plugins may act on:
 * ARI_CHANNEL_GONE (404 of a channel: hung up already), ARI_NOT_FOUND (another 404: a bridge),
 * ARI_NOT_IN_STASIS (409/422 `Channel not in Stasis application`), ARI_CONFLICT (409: an id in
 * use), ARI_BAD_REQUEST (400), ARI_REFUSED (500, e.g. `Allocation failed` of a dial string).
 */
export class AriHttpError extends AriError {
  override readonly status: number;
  override readonly code: string;
  constructor(readonly serverId: number, readonly method: string, readonly path: string, readonly ariStatus: number, readonly ariMessage: string) {
    super(`ARI ${method} ${path} on server ${serverId}: ${ariStatus} ${ariMessage}`, { serverId, method, path, ariStatus, ariMessage });
    const channel = /^\/channels\/[^/]+/.test(path);
    if (ariStatus === 404) this.code = channel ? 'ARI_CHANNEL_GONE' : 'ARI_NOT_FOUND';
    else if ((ariStatus === 409 || ariStatus === 422) && /not in Stasis/i.test(ariMessage)) this.code = 'ARI_NOT_IN_STASIS';
    else if (ariStatus === 400 && /Channel not found/.test(ariMessage)) this.code = 'ARI_CHANNEL_GONE';
    else this.code = ({ 400: 'ARI_BAD_REQUEST', 409: 'ARI_CONFLICT', 422: 'ARI_BAD_REQUEST' } as Record<number, string>)[ariStatus] ?? 'ARI_REFUSED';
    this.status = ariStatus === 404 ? 404 : ariStatus === 409 || ariStatus === 422 ? 409 : 502;
  }
}

/** An ARI request got no answer in time. */
export class AriTimeoutError extends AriError {
  override readonly status = 504;
  override readonly code = 'ARI_TIMEOUT';
  constructor(readonly serverId: number, readonly method: string, readonly path: string, readonly timeoutMs: number) {
    super(`ARI ${method} ${path} on server ${serverId} timed out after ${timeoutMs} ms`, { serverId, method, path, timeoutMs });
  }
}

/** The server has no ARI in acm (unknown, disabled, or no ARI user/password) or cannot be reached. */
export class AriUnavailableError extends AriError {
  override readonly status = 503;
  override readonly code = 'ARI_UNAVAILABLE';
}
