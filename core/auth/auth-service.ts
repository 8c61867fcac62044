import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import * as OTPAuth from 'otpauth';
import type { EntityManager } from '@mikro-orm/core';
import { RoleSchema, SessionSchema, UserSchema, type User } from '../model/entities.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { AuditService } from '../../sdk/core-services.ts';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../../sdk/errors.ts';
import { BUILTIN_ROLES, can } from './roles.ts';
import { Throttle, type ThrottleOptions } from './throttle.ts';

export const SESSION_COOKIE = 'acm_session';
const TOKEN_PREFIX = 'acm_';

export interface AuthOptions {
  sessionTtlMs: number;
  account: ThrottleOptions;
  address: ThrottleOptions;
  now?: () => number;
}

export const defaultAuthOptions: AuthOptions = {
  sessionTtlMs: 12 * 3600_000,
  account: { freeAttempts: 5, baseMs: 30_000, maxMs: 15 * 60_000, windowMs: 3600_000, maxKeys: 100_000 },
  address: { freeAttempts: 20, baseMs: 60_000, maxMs: 60 * 60_000, windowMs: 3600_000, maxKeys: 100_000 },
};

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Checked against when the account does not exist, so both paths cost one argon2 verify. */
let dummyHash: Promise<string> | undefined;

export interface LoginInput { username: string; password: string; totp?: string; ip: string }

export class AuthService {
  private accounts: Throttle;
  private addresses: Throttle;
  private now: () => number;

  constructor(private audit: AuditService, private opts: AuthOptions = defaultAuthOptions) {
    this.now = opts.now ?? Date.now;
    this.accounts = new Throttle(opts.account, this.now);
    this.addresses = new Throttle(opts.address, this.now);
  }

  /**
   * Checks credentials and opens a session. Every failure is the same UnauthorizedError; while
   * the account name or the address is locked the answer is TooManyRequestsError.
   */
  async login(em: EntityManager, input: LoginInput): Promise<{ token: string; user: User; expiresAt: Date }> {
    const account = input.username.toLowerCase();
    const wait = Math.max(this.accounts.retryAfter(account), this.addresses.retryAfter(input.ip));
    if (wait > 0) {
      await this.audit.record({ action: 'auth.login.locked', target: 'user', targetId: input.username, ip: input.ip });
      throw new TooManyRequestsError(Math.ceil(wait / 1000));
    }
    const user = await em.findOne(UserSchema, { username: input.username });
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const passwordOk = await argon2.verify(user?.passwordHash ?? (await dummyHash), input.password).catch(() => false);
    const totpOk = !user?.totpSecret || this.checkTotp(user.totpSecret, input.totp);
    if (!user || !user.enabled || !passwordOk || !totpOk) {
      this.accounts.fail(account);
      this.addresses.fail(input.ip);
      await this.audit.record({ action: 'auth.login.failed', target: 'user', targetId: input.username, ip: input.ip, userId: user?.id ?? null });
      throw new UnauthorizedError();
    }
    this.accounts.succeed(account);
    this.addresses.succeed(input.ip);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now() + this.opts.sessionTtlMs);
    em.create(SessionSchema, { userId: user.id, tokenHash: hashSecret(token), kind: 'session', createdAt: new Date(this.now()), expiresAt, lastUsedAt: new Date(this.now()) });
    user.lastLoginAt = new Date(this.now());
    await em.flush();
    await this.audit.record({ action: 'auth.login', target: 'user', targetId: user.id, username: user.username, userId: user.id, tenantId: user.tenantId ?? null, ip: input.ip });
    return { token, user, expiresAt };
  }

  private checkTotp(secret: string, code?: string): boolean {
    if (!code) return false;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    return totp.validate({ token: code, timestamp: this.now(), window: 1 }) !== null;
  }

  async logout(em: EntityManager, token: string): Promise<void> {
    await em.nativeDelete(SessionSchema, { tokenHash: hashSecret(token) });
  }

  /** Resolves a session cookie or an API token (`acm_…`) to its user. */
  async authenticate(em: EntityManager, token: string): Promise<Principal | null> {
    const session = await em.findOne(SessionSchema, { tokenHash: hashSecret(token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : token) });
    if (!session) return null;
    if (session.expiresAt && session.expiresAt.getTime() < this.now()) {
      await em.nativeDelete(SessionSchema, { id: session.id });
      return null;
    }
    const user = await em.findOne(UserSchema, { id: session.userId });
    if (!user || !user.enabled) return null;
    if (session.kind === 'session') session.expiresAt = new Date(this.now() + this.opts.sessionTtlMs);
    session.lastUsedAt = new Date(this.now());
    await em.flush();
    return this.principal(em, user);
  }

  async principal(em: EntityManager, user: User): Promise<Principal> {
    const permissions = await this.permissionsOf(em, user.role);
    return {
      userId: user.id, username: user.username, role: user.role, tenantId: user.tenantId ?? null, permissions,
      scopes: user.scopes ?? [], can: (p: string) => can(permissions, p),
    };
  }

  async permissionsOf(em: EntityManager, role: string): Promise<string[]> {
    const builtin = BUILTIN_ROLES[role];
    if (builtin) return builtin.permissions;
    const custom = await em.findOne(RoleSchema, { name: role });
    return custom?.permissions ?? [];
  }

  /** Creates a long-lived API token for scripts; the secret is shown once. */
  async createToken(em: EntityManager, userId: number, name: string, ttlDays?: number): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    em.create(SessionSchema, {
      userId, tokenHash: hashSecret(secret), kind: 'token', name, createdAt: new Date(this.now()),
      expiresAt: ttlDays ? new Date(this.now() + ttlDays * 86_400_000) : null,
    });
    await em.flush();
    return TOKEN_PREFIX + secret;
  }

  async createUser(em: EntityManager, input: { username: string; password: string; role: string; tenantId?: number | null; scopes?: User['scopes']; fullName?: string; email?: string }): Promise<User> {
    await this.assertRole(em, input.role);
    if (await em.findOne(UserSchema, { username: input.username })) throw new ConflictError(`user "${input.username}" already exists`);
    const user = em.create(UserSchema, {
      username: input.username, passwordHash: await hashPassword(input.password), role: input.role,
      tenantId: input.tenantId ?? null, scopes: input.scopes ?? [], enabled: true, fullName: input.fullName, email: input.email,
      createdAt: new Date(), updatedAt: new Date(),
    });
    await em.flush();
    return user;
  }

  async setPassword(em: EntityManager, username: string, password: string): Promise<void> {
    const user = await em.findOne(UserSchema, { username });
    if (!user) throw new NotFoundError(`no user "${username}"`);
    user.passwordHash = await hashPassword(password);
    await em.flush();
    await em.nativeDelete(SessionSchema, { userId: user.id, kind: 'session' });
  }

  async enableTotp(em: EntityManager, userId: number): Promise<{ secret: string; uri: string }> {
    const user = await em.findOneOrFail(UserSchema, { id: userId });
    const secret = new OTPAuth.Secret({ size: 20 });
    const totp = new OTPAuth.TOTP({ issuer: 'acm', label: user.username, secret, algorithm: 'SHA1', digits: 6, period: 30 });
    user.totpSecret = secret.base32;
    await em.flush();
    return { secret: secret.base32, uri: totp.toString() };
  }

  private async assertRole(em: EntityManager, role: string): Promise<void> {
    if (BUILTIN_ROLES[role] || (await em.findOne(RoleSchema, { name: role }))) return;
    throw new ValidationError([{ field: 'role', message: `unknown role "${role}"` }]);
  }
}
