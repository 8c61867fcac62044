// @ts-check
import { LitElement, html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { api, can, live, notifyChanged, sessionRestored, setMe, ApiError } from './api.js';
import { RESOURCES } from './pages.js';
import './form.js';
import './revisions.js';
import './batch.js';

/**
 * @typedef {object} NavItem
 * @property {string} path   route after '#'
 * @property {string} title
 * @property {string} section  one of SECTIONS
 * @property {number} order    place in its section, lower first
 * @property {string} permission  shown only to users holding it
 * @property {string} [plugin]  plugin id for plugin pages
 * @property {string} [element]
 * @property {string} [module]
 */

/** The menu's sections in order (sdk/manifest.ts MENU_SECTIONS): a plugin page names one in its manifest's `ui[].menu`. */
const SECTIONS = ['Status', 'Configuration', 'System'];

/** Numbers a section's pages 10, 20, 30, … so plugin pages can sit between them. @param {Omit<NavItem, 'order'>[]} items */
const numbered = (items) => items.map((item, i) => ({ ...item, order: (i + 1) * 10 }));
const CONFIG_RESOURCES = RESOURCES.filter((r) => !['clusters', 'servers', 'sites', 'tenants'].includes(r.name));
const SYSTEM_RESOURCES = ['clusters', 'servers', 'sites', 'tenants'].flatMap((n) => RESOURCES.filter((r) => r.name === n));

/** The core pages, each shown when the user holds its permission. */
const CORE_PAGES = [
  ...numbered([
    { path: '/group-status', title: 'Group status', section: 'Status', permission: 'core.extension:read' },
    { path: '/server-status', title: 'Server status', section: 'Status', permission: 'core.server:read' },
  ]),
  ...numbered([
    ...CONFIG_RESOURCES.map((r) => ({ path: `/${r.name}`, title: r.title, section: 'Configuration', permission: `${r.permission}:read` })),
    { path: '/batch', title: 'Batch', section: 'Configuration', permission: 'core.extension:write' },
    { path: '/revisions', title: 'Revisions', section: 'Configuration', permission: 'core.revision:read' },
  ]),
  ...numbered([
    ...SYSTEM_RESOURCES.map((r) => ({ path: `/${r.name}`, title: r.title, section: 'System', permission: `${r.permission}:read` })),
    { path: '/users', title: 'Users', section: 'System', permission: 'core.user:read' },
    { path: '/plugins', title: 'Plugins', section: 'System', permission: 'core.plugin:read' },
    { path: '/audit', title: 'Audit log', section: 'System', permission: 'core.audit:read' },
  ]),
];

/**
 * @typedef {object} ClusterProgress
 * @property {number} clusterId
 * @property {string} step   last step of the cluster: stored, push, reload, verify, deployed, restart-required, failed, unchanged, rollback
 * @property {Map<string, {step: string, module?: string, modules: string[]}>} servers
 * @property {string} [error]
 */

/** A commit step in words, for the progress table and the log. */
function stepText(/** @type {any} */ m) {
  switch (m.step) {
    case 'stored': return `revision ${m.revisionId ?? ''} stored`.replace('  ', ' ');
    case 'push': return 'pushing files';
    case 'reload': return `reloading ${m.module ?? ''}`.trim();
    case 'verify': return 'checking what Asterisk loaded';
    case 'deployed': return 'deployed';
    case 'restart-required': return `deployed; restart Asterisk${m.error ? `: ${m.error}` : ''}`;
    case 'unchanged': return 'unchanged';
    case 'failed': return `failed${m.error ? `: ${m.error}` : ''}`;
    case 'rollback': return `rolling back${m.error ? ` (${m.error})` : ''}`;
    default: return String(m.step ?? '');
  }
}

/** Commit steps → badge colour. */
const STEP_COLOURS = /** @type {Record<string, string>} */ ({ deployed: 'green', 'restart-required': 'orange', unchanged: 'grey', failed: 'red', rollback: 'red' });

const routeOf = () => (location.hash.replace(/^#/, '') || '/').replace(/\/+$/, '') || '/';

/**
 * `<acm-app>`: the shell — login, header (user, role, changes waiting, Commit, logout),
 * navigation from the core pages and the enabled plugins' manifests (filtered by permission),
 * the routed page, the session-expiry login overlay and the status line.
 */
export class AcmApp extends LitElement {
  static properties = {
    me: { state: true },
    plugins: { state: true },
    route: { state: true },
    changes: { state: true },
    expired: { state: true },
    loginError: { state: true },
    busy: { state: true },
    commit: { state: true },
    toasts: { state: true },
    navOpen: { state: true },
  };

  constructor() {
    super();
    /** @type {any} null = not known yet, false = logged out */
    this.me = null;
    /** @type {any[]} */
    this.plugins = [];
    this.route = routeOf();
    /** @type {number | null} changes waiting; null when the server has no /api/changes */
    this.changes = null;
    this.expired = false;
    this.loginError = '';
    this.busy = false;
    /**
     * The commit dialog: its state, the API's answer (revisions, or the error with every problem
     * on a 422), and the progress the WebSocket reported per cluster and server meanwhile.
     * @type {null | {state: 'running' | 'done' | 'error', revisions?: any[], error?: string, problems?: {field: string, message: string}[],
     *   progress: Map<number, ClusterProgress>, log: {clusterId: number, server: string, text: string}[]}}
     */
    this.commit = null;
    /** @type {{id: number, message: string, kind: string}[]} */
    this.toasts = [];
    this.navOpen = false;
    /** @type {Map<string, HTMLElement>} plugin page elements, kept while their route is shown */
    this.pluginEls = new Map();
    this.toastSeq = 0;
    /** @type {(() => void) | undefined} unsubscribes from the live WebSocket */
    this.offLive = undefined;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    this.replaceChildren();
    window.addEventListener('hashchange', () => { this.route = routeOf(); this.navOpen = false; });
    window.addEventListener('acm-session-expired', () => { this.expired = true; this.loginError = ''; });
    window.addEventListener('acm-changed', () => void this.loadChanges());
    window.addEventListener('acm-plugins-changed', () => void this.loadPlugins());
    window.addEventListener('acm-toast', (e) => this.addToast(/** @type {CustomEvent} */ (e).detail));
    void this.start();
    this.timer = setInterval(() => { if (this.me && !this.expired) void this.loadChanges(); }, 20000);
  }

  async start() {
    try {
      const me = await api('GET', '/api/auth/me', undefined, { reauth: false });
      await this.loggedIn(me);
    } catch {
      this.me = false;
    }
  }

  /** @param {any} me */
  async loggedIn(me) {
    setMe(me);
    this.me = me;
    // Commit progress comes over the shared WebSocket: listen while logged in, so the socket is
    // open before a commit starts and its first steps are not missed.
    this.offLive ??= live.subscribe((m) => this.onLive(m));
    await Promise.all([this.loadPlugins(), this.loadChanges()]);
  }

  async loadPlugins() {
    try { this.plugins = await api('GET', '/api/plugins'); } catch { this.plugins = []; }
  }

  async loadChanges() {
    try {
      const r = await fetch('/api/changes', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (r.status === 404 || r.status === 405) { this.changes = null; return; }
      if (!r.ok) return;
      const body = await r.json();
      this.changes = typeof body.total === 'number' ? body.total : (body.items ?? []).length;
    } catch { /* keep the last count */ }
  }

  /** @param {{message: string, kind: string}} t */
  addToast(t) {
    const id = ++this.toastSeq;
    this.toasts = [...this.toasts, { id, ...t }];
    setTimeout(() => { this.toasts = this.toasts.filter((x) => x.id !== id); }, t.kind === 'error' ? 8000 : 4000);
  }

  /**
   * The menu: the core pages and the started plugins' pages the user may open, by section, then
   * `order`, then title; the home page (`/`) first of all.
   * @returns {NavItem[]}
   */
  get nav() {
    /** @type {NavItem[]} */
    const items = CORE_PAGES.filter((c) => can(c.permission));
    for (const p of this.plugins) {
      if (!p.started) continue;
      for (const page of p.ui ?? []) {
        if (!can(page.permission)) continue;
        const section = SECTIONS.includes(page.menu?.section) ? page.menu.section : 'Status';
        items.push({ path: page.path, title: page.title, permission: page.permission, section, order: page.menu?.order ?? 500, plugin: p.id, element: page.element, module: page.module });
      }
    }
    const rank = (/** @type {NavItem} */ n) => (n.path === '/' ? -1 : SECTIONS.indexOf(n.section));
    return items.sort((a, b) => rank(a) - rank(b) || a.order - b.order || a.title.localeCompare(b.title));
  }

  /** @param {SubmitEvent} e */
  async login(e) {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.target);
    const data = Object.fromEntries(new FormData(form));
    if (!data.totp) delete data.totp;
    this.busy = true;
    this.loginError = '';
    try {
      await api('POST', '/api/auth/login', data, { reauth: false });
      const me = await api('GET', '/api/auth/me', undefined, { reauth: false });
      form.reset();
      const wasExpired = this.expired;
      this.expired = false;
      await this.loggedIn(me);
      if (wasExpired) {
        live.restart();
        sessionRestored();
      }
    } catch (err) {
      // One message for every failure: no hint which part was wrong.
      this.loginError = err instanceof ApiError && err.status === 429 ? 'Too many attempts. Wait a while, then try again.' : 'Sign-in failed. Check your details and try again.';
      await this.updateComplete;
      /** @type {HTMLInputElement | null} */ (form.querySelector('input[name=password]'))?.select();
    } finally {
      this.busy = false;
    }
  }

  async logout() {
    try { await api('POST', '/api/auth/logout', undefined, { reauth: false }); } catch { /* gone anyway */ }
    this.offLive?.();
    this.offLive = undefined;
    live.close();
    setMe(null);
    this.me = false;
    this.pluginEls.clear();
    location.hash = '#/';
  }

  /** `{type: 'commit', clusterId, step, server?, module?, revisionId?, error?}` while the dialog is open. */
  onLive(/** @type {any} */ m) {
    if (m?.type === 'changes') {
      // A write anywhere (another page, the CLI, a plugin): count again, once per burst.
      clearTimeout(this.changesTimer);
      this.changesTimer = setTimeout(() => void this.loadChanges(), 200);
      return;
    }
    const c = this.commit;
    if (!c || m?.type !== 'commit' || typeof m.clusterId !== 'number') return;
    const progress = new Map(c.progress);
    const prev = progress.get(m.clusterId);
    /** @type {ClusterProgress} */
    const cp = { clusterId: m.clusterId, step: m.step, servers: new Map(prev?.servers ?? []), error: m.error ?? prev?.error };
    if (m.server) {
      const sp = cp.servers.get(m.server);
      const modules = [...(sp?.modules ?? [])];
      if (m.step === 'reload' && m.module) modules.push(m.module);
      cp.servers.set(m.server, { step: m.step, module: m.module, modules });
    } else if (['deployed', 'restart-required', 'failed'].includes(m.step)) {
      // The cluster's end: every server that got its files is done (or rolled back).
      for (const [name, sp] of cp.servers) cp.servers.set(name, { ...sp, step: m.step === 'failed' ? 'rolled back' : 'done' });
    }
    progress.set(m.clusterId, cp);
    this.commit = { ...c, progress, log: [...c.log, { clusterId: m.clusterId, server: m.server ?? '', text: stepText(m) }].slice(-200) };
  }

  /** @param {number} id */
  clusterName(id) { return this.clusterNames?.get(id) ?? `cluster ${id}`; }

  async doCommit() {
    this.commit = { state: 'running', progress: new Map(), log: [] };
    try {
      const res = await api('POST', '/api/commit', {});
      notifyChanged();
      this.commit = { ...this.commit, state: 'done', revisions: res?.revisions ?? [] };
    } catch (err) {
      const error = err instanceof ApiError && err.status === 404 ? 'Commit is not available on this server.' : err instanceof Error ? err.message : String(err);
      this.commit = { ...this.commit, state: 'error', error, problems: err instanceof ApiError ? err.problems : [] };
    }
    void this.loadChanges();
  }

  /** @param {boolean} overlay */
  loginForm(overlay) {
    return html`<form class="login-form" @submit=${this.login} aria-labelledby=${overlay ? 'relogin-title' : 'login-title'}>
      ${overlay ? html`<h2 id="relogin-title">Your session has ended</h2><p>Sign in again to carry on; your unsaved work is kept.</p>`
        : html`<h1 id="login-title"><span class="logo" aria-hidden="true">✱</span> acm</h1><p class="subtitle">Asterisk Cluster Manager</p>`}
      <div class="field"><label for="login-user-${overlay}">User name</label>
        <input id="login-user-${overlay}" name="username" autocomplete="username" required .value=${overlay && this.me ? this.me.username : ''}></div>
      <div class="field"><label for="login-pass-${overlay}">Password</label>
        <input id="login-pass-${overlay}" name="password" type="password" autocomplete="current-password" required></div>
      <div class="field"><label for="login-totp-${overlay}">One-time code <small>(only if two-factor is on)</small></label>
        <input id="login-totp-${overlay}" name="totp" inputmode="numeric" autocomplete="one-time-code" maxlength="10"></div>
      <p class="login-error" role="alert">${this.loginError}</p>
      <button type="submit" class="primary wide" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
  }

  page() {
    const route = this.route;
    const nav = this.nav;
    const [, first = '', ...rest] = route.split('/');
    const res = RESOURCES.find((r) => r.name === first);
    if (res && can(`${res.permission}:read`)) return html`<acm-resource-page .def=${res} .sub=${rest.join('/')}></acm-resource-page>`;
    if (first === 'group-status' && can('core.extension:read')) return html`<acm-group-status></acm-group-status>`;
    if (first === 'server-status') return html`<acm-server-status></acm-server-status>`;
    if (first === 'users' && can('core.user:read')) return html`<acm-users-page .sub=${rest.join('/')}></acm-users-page>`;
    if (first === 'audit' && can('core.audit:read')) return html`<acm-audit-page></acm-audit-page>`;
    if (first === 'plugins' && can('core.plugin:read')) return html`<acm-plugins-page></acm-plugins-page>`;
    if (first === 'revisions' && can('core.revision:read')) return html`<acm-revisions-page .sub=${rest.join('/')}></acm-revisions-page>`;
    if (first === 'batch' && can('core.extension:write')) return html`<acm-batch-page></acm-batch-page>`;
    // A plugin page owns its route and what follows it (`#/conference/5/edit`): the rest is its `sub`.
    const page = nav.find((n) => n.plugin && (n.path === route || route.startsWith(`${n.path}/`)));
    if (page) return this.pluginPage(page, route.slice(String(page.path).length + 1));
    if (route === '/') {
      return html`<header class="page-head"><h1>Welcome, ${this.me.username}</h1></header>
        <p>No home page plugin is enabled. Pick a page from the menu.</p>`;
    }
    return html`<header class="page-head"><h1>Not found</h1></header><p>There is no page here, or your role may not open it. <a href="#/">Home</a></p>`;
  }

  /** @param {NavItem} page @param {string} sub */
  pluginPage(page, sub) {
    const key = `${page.plugin}:${page.element}`;
    let el = this.pluginEls.get(key);
    if (!el) {
      el = document.createElement(/** @type {string} */ (page.element));
      el.classList.add('plugin-page');
      this.pluginEls.set(key, el);
      if (!customElements.get(/** @type {string} */ (page.element))) {
        const url = `/plugins/${page.plugin}/${String(page.module).replace(/^\.\//, '')}`;
        import(url).catch((err) => {
          console.warn(`plugin page ${url} failed to load`, err);
          /** @type {HTMLElement} */ (el).textContent = `This page could not be loaded (${page.plugin}).`;
        });
      }
    }
    // Lit leaves a page by calling remove() on the nodes it rendered: a page element that defines
    // its own remove() (or throws in it) would stay on screen under every page after it. The
    // shell's own wrapper is what Lit removes; the key makes a switch between two plugin pages
    // replace the wrapper too.
    /** @type {HTMLElement & { sub?: string }} */ (el).sub = sub;
    return keyed(key, html`<div class="plugin-host" data-plugin=${String(page.plugin)}>${el}</div>`);
  }

  commitDialog() {
    const c = this.commit;
    if (!c) return nothing;
    const cname = (/** @type {any} */ id) => this.clusterName(id);
    const serverStep = (/** @type {{step: string, module?: string, modules: string[]}} */ sp) => (sp.step === 'push' ? 'pushing files'
      : sp.step === 'reload' ? `reloading ${sp.module ?? ''}`.trim()
        : sp.step === 'done' ? `pushed${sp.modules.length ? `, reloaded ${sp.modules.join(', ')}` : ''}`
          : sp.step === 'rollback' ? 'rolling back' : sp.step);
    const serversOf = (/** @type {ClusterProgress | undefined} */ cp) => (cp?.servers.size
      ? html`<ul class="server-steps">${[...cp.servers].map(([name, sp]) => html`<li data-server=${name} data-step=${sp.step}><span class="server-name">${name}</span> ${serverStep(sp)}</li>`)}</ul>`
      : nothing);
    const progressRows = [...c.progress.values()];
    return html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="commit-title">
      <div class="dialog commit-dialog">
        <h2 id="commit-title">Commit</h2>
        ${c.state === 'running' ? html`<p>Rendering, validating and deploying the configuration…</p><progress aria-label="Commit in progress"></progress>
          ${progressRows.length ? html`<div class="table-wrap"><table class="grid compact commit-progress" aria-live="polite"><caption class="visually-hidden">Progress per cluster</caption>
            <thead><tr><th scope="col">Cluster</th><th scope="col">Step</th><th scope="col">Servers</th></tr></thead>
            <tbody>${progressRows.map((cp) => html`<tr data-cluster=${cp.clusterId} data-step=${cp.step}><td>${cname(cp.clusterId)}</td>
              <td><span class="badge ${STEP_COLOURS[cp.step] ?? 'orange'}">${cp.step}</span></td><td>${serversOf(cp)}</td></tr>`)}</tbody></table></div>` : nothing}` : nothing}
        ${c.state === 'error' ? html`<p class="alert error" role="alert">${c.error}</p>
          ${c.problems?.length ? html`<p>Fix ${c.problems.length === 1 ? 'this problem' : `these ${c.problems.length} problems`}, then commit again:</p>
            <ul class="problems commit-problems">${c.problems.map((p) => html`<li>${p.field ? html`<span class="problem-field">${p.field}</span>` : nothing}${p.message}</li>`)}</ul>` : nothing}` : nothing}
        ${c.state === 'done' ? html`
          ${c.revisions?.length ? html`<div class="table-wrap"><table class="grid commit-results"><thead><tr><th scope="col">Cluster</th><th scope="col">Result</th><th scope="col" class="num">Files</th><th scope="col">Reason</th></tr></thead>
            <tbody>${c.revisions.map((r) => html`<tr data-cluster=${r.clusterId}><td>${r.cluster ?? cname(r.clusterId)}</td>
              <td><span class="badge ${r.status === 'deployed' ? 'green' : r.status === 'failed' ? 'red' : r.status === 'restart-required' ? 'orange' : 'grey'}">${r.status}</span></td>
              <td class="num">${Array.isArray(r.files) ? r.files.length : r.files ?? ''}</td><td>${r.error ?? ''}${(r.warnings ?? []).map((/** @type {{field: string, message: string}} */ w) => html`<div class="commit-warning">warning: ${w.field}: ${w.message}</div>`)}</td></tr>`)}</tbody></table></div>`
            : html`<p>Nothing to deploy: every cluster is up to date.</p>`}` : nothing}
        ${c.log.length && c.state !== 'running' ? html`<details class="commit-log"><summary>Steps (${c.log.length})</summary>
          <ol>${c.log.map((l) => html`<li>${[cname(l.clusterId), l.server].filter(Boolean).join(' · ')}: ${l.text}</li>`)}</ol></details>` : nothing}
        <div class="buttons"><button type="button" class="primary" ?disabled=${c.state === 'running'} @click=${() => { this.commit = null; }}>Close</button></div>
      </div></div>`;
  }

  render() {
    if (this.me === null) return html`<p class="boot">Loading…</p>`;
    if (this.me === false) return html`<main class="login-page">${this.loginForm(false)}</main>`;
    const nav = this.nav;
    const sections = [...new Set(nav.map((n) => n.section))];
    const current = (/** @type {string} */ p) => (p === '/' ? this.route === '/' : this.route === p || this.route.startsWith(`${p}/`));
    return html`
      <a class="skip" href="#main" @click=${(/** @type {Event} */ e) => { e.preventDefault(); /** @type {HTMLElement | null} */ (this.querySelector('#main'))?.focus(); }}>Skip to content</a>
      <div class="app" ?inert=${this.expired || !!this.commit}>
        <header class="topbar">
          <button type="button" class="menu-toggle" aria-expanded=${this.navOpen ? 'true' : 'false'} aria-controls="nav" @click=${() => { this.navOpen = !this.navOpen; }}>Menu</button>
          <a class="brand" href="#/"><span class="logo" aria-hidden="true">✱</span> acm</a>
          <span class="spacer"></span>
          ${this.changes !== null ? html`<span class="changes ${this.changes ? 'pending' : ''}" aria-live="polite" title="${this.changes} ${this.changes === 1 ? 'change' : 'changes'} waiting for a commit"><span class="count">${this.changes}</span><span class="words"> ${this.changes === 1 ? 'change' : 'changes'} waiting</span></span>` : nothing}
          ${can('core.commit:write') ? html`<button type="button" class="primary commit" @click=${() => this.doCommit()} ?disabled=${this.changes === 0}>Commit</button>` : nothing}
          <span class="user" title=${this.me.tenantId ? `tenant ${this.me.tenantId}` : 'all tenants'}><span class="username">${this.me.username}</span> <span class="role">${this.me.role}</span></span>
          <button type="button" class="logout" @click=${() => this.logout()}>Log out</button>
        </header>
        ${this.navOpen ? html`<div class="nav-scrim" @click=${() => { this.navOpen = false; }}></div>` : nothing}
        <nav id="nav" class="sidenav ${this.navOpen ? 'open' : ''}" aria-label="Main" @keydown=${(/** @type {KeyboardEvent} */ e) => {
          if (e.key === 'Escape' && this.navOpen) { this.navOpen = false; /** @type {HTMLElement | null} */ (this.querySelector('.menu-toggle'))?.focus(); }
        }}>
          ${sections.map((s) => html`<h2>${s}</h2><ul>${nav.filter((n) => n.section === s).map((n) => html`<li><a href="#${n.path}" aria-current=${current(n.path) ? 'page' : 'false'}>${n.title}</a></li>`)}</ul>`)}
        </nav>
        <main id="main" tabindex="-1">${this.page()}</main>
      </div>
      ${this.expired ? html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="relogin-title"><div class="dialog">${this.loginForm(true)}</div></div>` : nothing}
      ${this.commitDialog()}
      <div class="toasts" role="status" aria-live="polite">${this.toasts.map((t) => html`<p class="toast ${t.kind}">${t.message}</p>`)}</div>`;
  }

  /** @param {Map<string, unknown>} changed */
  updated(changed) {
    if (changed.has('expired') && this.expired) /** @type {HTMLElement | null} */ (this.querySelector('.overlay input[name=password]'))?.focus();
    if (changed.has('route') && changed.get('route') !== undefined) /** @type {HTMLElement | null} */ (this.querySelector('#main'))?.focus({ preventScroll: true });
    if (changed.has('commit') && this.commit && !this.clusterNames) {
      void api('GET', '/api/clusters?pageSize=1000').then((r) => { this.clusterNames = new Map(r.items.map((/** @type {any} */ c) => [c.clusterId ?? c.id, c.name])); this.requestUpdate(); }).catch(() => {});
    }
  }
}
customElements.define('acm-app', AcmApp);
