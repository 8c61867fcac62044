/**
 * HTTPS for `acm serve`: the certificate and key given by ACM_TLS_CERT / ACM_TLS_KEY (PEM
 * files), or a self-signed one generated on first start into `<ACM_DATA_DIR>/tls/` (cert.pem,
 * key.pem, 0600) and reused afterwards. Plain HTTP only when asked for: ACM_HTTP=1 (behind a
 * TLS-terminating proxy) or the demo. Anything half-configured stops start-up: acm never falls
 * back to plain HTTP on its own.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AcmError } from '../../sdk/errors.ts';

export class TlsConfigError extends AcmError {
  override readonly title = 'TLS configuration error';
}

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  /** SHA-256 of the certificate (DER), colon-separated hex as browsers and `openssl x509 -fingerprint -sha256` show it. */
  fingerprint: string;
  /** given: ACM_TLS_CERT/ACM_TLS_KEY; generated now; reused: generated on an earlier start. */
  source: 'given' | 'generated' | 'reused';
  notAfter: Date;
}

/** Days a generated certificate is valid (under the 825 days browsers accept for a server certificate). */
const GENERATED_DAYS = 820;

const run = promisify(execFile);

/** Reads a certificate and its key and checks that they belong together. */
function load(certFile: string, keyFile: string, source: TlsSettings['source']): TlsSettings {
  let cert: Buffer;
  let key: Buffer;
  let x509: X509Certificate;
  try {
    cert = readFileSync(certFile);
    key = readFileSync(keyFile);
    x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('the key does not belong to the certificate');
  } catch (err) {
    throw new TlsConfigError(`TLS certificate ${certFile} / key ${keyFile}: ${(err as Error).message}`);
  }
  return { cert, key, certFile, fingerprint: x509.fingerprint256, source, notAfter: new Date(x509.validTo) };
}

/** Subject alternative names of a generated certificate: loopback, this machine, and the listen address. */
function altNames(listenHost: string | undefined): string {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', `DNS:${hostname()}`]);
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::') names.add(`${isIP(listenHost) ? 'IP' : 'DNS'}:${listenHost}`);
  return [...names].join(',');
}

/**
 * A self-signed ECDSA P-256 / SHA-256 certificate (FIPS-approved algorithms) made by the
 * openssl command: Node can make keys but not certificates. Written to a private temp
 * directory, made 0600, then renamed into place.
 */
async function generate(dir: string, listenHost: string | undefined): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(join(dir, '.new-'));
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha256', '-nodes',
      '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem'), '-days', String(GENERATED_DAYS),
      '-subj', '/O=acm/CN=acm self-signed', '-addext', `subjectAltName=${altNames(listenHost)}`,
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', 'extendedKeyUsage=serverAuth',
    ], { timeout: 30_000 });
    for (const f of ['key.pem', 'cert.pem']) {
      chmodSync(join(tmp, f), 0o600);
      renameSync(join(tmp, f), join(dir, f));
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new TlsConfigError(e.code === 'ENOENT'
      ? 'cannot generate a TLS certificate: the openssl command is not installed; give one with ACM_TLS_CERT and ACM_TLS_KEY (or ACM_HTTP=1 behind a TLS proxy)'
      : `cannot generate a TLS certificate: ${(e.stderr ?? e.message).trim()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface TlsOptions {
  env?: NodeJS.ProcessEnv;
  dataDir: string;
  /** The demo keeps plain HTTP. */
  demo?: boolean;
  listenHost?: string;
  now?: () => Date;
}

/** What `acm serve` listens with: TLS settings, or undefined for plain HTTP (ACM_HTTP=1, the demo). */
export async function tlsSettings(o: TlsOptions): Promise<TlsSettings | undefined> {
  const env = o.env ?? process.env;
  const certFile = env.ACM_TLS_CERT || undefined;
  const keyFile = env.ACM_TLS_KEY || undefined;
  if (!!certFile !== !!keyFile) throw new TlsConfigError('give both ACM_TLS_CERT and ACM_TLS_KEY (PEM files), or neither');
  if (certFile && keyFile) return load(resolve(certFile), resolve(keyFile), 'given');
  if (env.ACM_HTTP === '1' || o.demo) return undefined;
  const dir = join(resolve(o.dataDir), 'tls');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (existsSync(cert) && existsSync(key)) {
    const reused = load(cert, key, 'reused');
    // An expired self-signed certificate is replaced (its new fingerprint is printed at start).
    if (reused.notAfter > (o.now?.() ?? new Date())) return reused;
  }
  await generate(dir, o.listenHost);
  return load(cert, key, 'generated');
}
