// @ts-check
/**
 * The shell's helpers, importable by plugin pages as `acm/api.js`: calling the API (with the
 * re-login flow on an expired session), permissions, the live WebSocket, formatting.
 */

/** An API error: HTTP status plus the problem+json body (with `problems` on 422). */
export class ApiError extends Error {
  /** @param {number} status @param {any} problem */
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    /** @type {{field: string, message: string}[]} */
    this.problems = Array.isArray(problem?.problems) ? problem.problems : [];
  }
}

/** @type {{promise: Promise<void>, resolve: () => void} | null} */
let reauth = null;

/**
 * The session is gone: ask the shell for a login (it shows the overlay, keeping the page and any
 * half-filled form underneath) and resolve once the user has logged in again.
 * @returns {Promise<void>}
 */
export function sessionExpired() {
  if (!reauth) {
    /** @type {() => void} */
    let resolve = () => {};
    const promise = new Promise((r) => { resolve = /** @type {() => void} */ (r); });
    reauth = { promise, resolve };
    window.dispatchEvent(new CustomEvent('acm-session-expired'));
  }
  return reauth.promise;
}

/** Called by the shell after a successful login: every call waiting on the session retries. */
export function sessionRestored() {
  const r = reauth;
  reauth = null;
  r?.resolve();
}

/**
 * Calls the API. A 401 (other than from the login itself) waits for a new login and retries.
 * @param {string} method @param {string} path @param {unknown} [body]
 * @param {{reauth?: boolean}} [opts]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, opts = {}) {
  for (;;) {
    /** @type {RequestInit} */
    const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    if (res.status === 401 && opts.reauth !== false && !path.startsWith('/api/auth/login')) {
      await sessionExpired();
      continue;
    }
    const text = await res.text();
    let data;
    try { data = text ? JSON.parse(text) : undefined; } catch { data = { detail: text }; }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }
}

export const get = (/** @type {string} */ path) => api('GET', path);

/** `<plugin>.<resource>:<verb>` patterns with `*` segments, as the server matches them. */
export function permissionMatches(/** @type {string} */ pattern, /** @type {string} */ permission) {
  if (pattern === '*') return true;
  const [pRes = '', pVerb] = pattern.split(':');
  const [res = '', verb] = permission.split(':');
  if (pVerb !== '*' && pVerb !== verb) return false;
  if (pRes === '*') return true;
  const a = pRes.split('.');
  const b = res.split('.');
  return a.length === b.length && a.every((p, i) => p === '*' || p === b[i]);
}

/** @type {{username: string, role: string, permissions: string[], tenantId: number|null} | null} */
export let me = null;
export function setMe(/** @type {any} */ m) { me = m; }
/** Whether the logged-in user holds a permission. */
export function can(/** @type {string} */ permission) {
  return !!me && me.permissions.some((p) => permissionMatches(p, permission));
}

/** Tells the shell something changed (refreshes the changes-waiting badge). */
export function notifyChanged() {
  window.dispatchEvent(new CustomEvent('acm-changed'));
}

/** Shows a short message in the shell's status line. */
export function toast(/** @type {string} */ message, kind = 'info') {
  window.dispatchEvent(new CustomEvent('acm-toast', { detail: { message, kind } }));
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(/** @type {string} */ message, confirmLabel = 'OK') {
  return new Promise((resolve) => {
    const d = document.createElement('dialog');
    d.className = 'confirm';
    d.setAttribute('aria-label', 'Confirm');
    const p = document.createElement('p');
    p.textContent = message;
    const bar = document.createElement('div');
    bar.className = 'buttons';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    const ok = document.createElement('button');
    ok.type = 'button';
    ok.className = 'primary danger';
    ok.textContent = confirmLabel;
    bar.append(cancel, ok);
    d.append(p, bar);
    document.body.append(d);
    const done = (/** @type {boolean} */ v) => { d.close(); d.remove(); resolve(v); };
    cancel.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    d.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    d.showModal();
    cancel.focus();
  });
}

/**
 * The live WebSocket (`/api/events`), shared by every page: one connection while anyone
 * listens, reconnecting with back-off.
 */
class Live {
  constructor() {
    /** @type {Set<(m: any) => void>} */
    this.listeners = new Set();
    /** @type {WebSocket | null} */
    this.ws = null;
    this.delay = 500;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }
  /** @param {(m: any) => void} fn @returns {() => void} unsubscribe */
  subscribe(fn) {
    this.listeners.add(fn);
    if (!this.ws) this.connect();
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size) this.close();
    };
  }
  connect() {
    clearTimeout(this.timer);
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    this.ws = ws;
    ws.addEventListener('open', () => { this.delay = 500; });
    ws.addEventListener('message', (e) => {
      let m;
      try { m = JSON.parse(e.data); } catch { return; }
      for (const fn of [...this.listeners]) {
        try { fn(m); } catch (err) { console.warn('live listener failed', err); }
      }
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.listeners.size) {
        this.timer = setTimeout(() => { if (this.listeners.size && !this.ws) this.connect(); }, this.delay);
        this.delay = Math.min(this.delay * 2, 15000);
      }
    });
  }
  close() {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
  /** After a new login: reconnect with the new session. */
  restart() {
    if (!this.listeners.size) return;
    this.close();
    this.connect();
  }
}
export const live = new Live();

/**
 * A plugin's events (declared with `ctx.events.toBrowsers`) on the shared WebSocket:
 * `fn(data, message)` for each `{type: 'plugin', plugin, event}` message this user may see, and
 * `fn(null, hello)` after every (re)connect, when events may have been missed — reload then.
 * @param {string} plugin @param {string} event
 * @param {(data: any, message: any) => void} fn
 * @returns {() => void} unsubscribe (call it in `disconnectedCallback`)
 */
export function onPluginEvent(plugin, event, fn) {
  return live.subscribe((m) => {
    if (m.type === 'hello') fn(null, m);
    else if (m.type === 'plugin' && m.plugin === plugin && m.event === event) fn(m.data, m);
  });
}

/** Asterisk device states (ExtensionState codes) in words. */
export const DEVICE_STATES = /** @type {Record<string, string>} */ ({
  '-1': 'unknown', 0: 'idle', 1: 'in use', 2: 'busy', 4: 'unavailable', 8: 'ringing', 9: 'ringing, in use', 16: 'on hold', 17: 'in use, on hold',
});
export function deviceState(/** @type {number | null | undefined} */ code) {
  if (code === null || code === undefined) return 'not seen';
  return DEVICE_STATES[String(code)] ?? `state ${code}`;
}

/** A date in the user's locale. */
export function formatDate(/** @type {string | number | Date | null | undefined} */ v) {
  if (v === null || v === undefined || v === '') return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? String(v) : d.toLocaleString();
}

/** Seconds as `3d 4h 5m`. */
export function duration(/** @type {number | null | undefined} */ s) {
  if (s === null || s === undefined) return '';
  const d = Math.floor(s / 86400); const h = Math.floor((s % 86400) / 3600); const m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : `${m}m ${Math.floor(s % 60)}s`;
}

/** `callerId` → `Caller ID`, with the usual telephony acronyms. */
export function humanize(/** @type {string} */ key) {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').split(' ');
  const upper = new Set(['id', 'ip', 'acl', 'nat', 'dtmf', 'rtp', 'mac', 'md5', 'vip', 'ami', 'ari', 'ssh', 'sip', 'cid', 'vm', 'url', 'csv']);
  return words.map((w, i) => upper.has(w.toLowerCase()) ? w.toUpperCase() : i === 0 ? w[0]?.toUpperCase() + w.slice(1) : w.toLowerCase()).join(' ');
}
