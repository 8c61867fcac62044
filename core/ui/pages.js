// @ts-check
import { LitElement, html, nothing } from 'lit';
import { api, can, deviceState, duration, formatDate, live, toast, ApiError } from './api.js';
import { EXTENSION_SECTIONS, refOptions } from './form.js';
import './table.js';

import { clusterName, groupName, siteName } from './resource-page.js';

const yes = (/** @type {unknown} */ v) => (v === true ? 'yes' : v === false ? 'no' : '');

/** @typedef {import('./resource-page.js').ResourceDef} ResourceDef */

/** @type {ResourceDef[]} */
export const RESOURCES = [
  {
    name: 'extensions', title: 'Extensions', singular: 'extension', schema: 'ExtensionInput', permission: 'core.extension', clusterFilter: true,
    rowLabel: (r) => `${r.extension} ${r.name}`, sections: EXTENSION_SECTIONS,
    columns: [
      { key: 'extension', label: 'Extension' }, { key: 'name', label: 'Name' },
      { key: 'clusterId', label: 'Cluster', format: clusterName, csv: clusterName }, { key: 'groupId', label: 'Group', format: groupName, csv: groupName },
      { key: 'callerId', label: 'Caller ID', hidden: true }, { key: 'context', label: 'Context' },
      { key: 'protocol', label: 'Protocol', hidden: true }, { key: 'mailbox', label: 'Mailbox', hidden: true },
      { key: 'extStatus', label: 'Device', format: (r) => deviceState(r.extStatus), csv: (r) => deviceState(r.extStatus) },
      { key: 'ipAddr', label: 'IP address', hidden: true }, { key: 'userAgent', label: 'Phone', hidden: true },
      { key: 'updatedAt', label: 'Changed', format: (r) => formatDate(r.updatedAt), hidden: true },
    ],
  },
  {
    name: 'groups', title: 'Groups', singular: 'group', schema: 'GroupInput', permission: 'core.group',
    columns: [
      { key: 'name', label: 'Name' }, { key: 'description', label: 'Description' }, { key: 'context', label: 'Context' },
      { key: 'rights', label: 'Rights', sortable: false, format: (r) => (r.rights ?? []).join(', ') },
    ],
  },
  {
    name: 'trunks', title: 'Trunks', singular: 'trunk', schema: 'TrunkInput', permission: 'core.trunk', clusterFilter: true,
    columns: [
      { key: 'name', label: 'Name' }, { key: 'clusterId', label: 'Cluster', format: clusterName, csv: clusterName },
      { key: 'host', label: 'Host' }, { key: 'transport', label: 'Transport' }, { key: 'register', label: 'Registers', format: (r) => yes(r.register) },
      { key: 'registrationStatus', label: 'Registration' }, { key: 'maxChannels', label: 'Channels' },
      { key: 'context', label: 'Context', hidden: true },
    ],
  },
  {
    name: 'acls', title: 'Access lists', singular: 'ACL', schema: 'AclInput', permission: 'core.acl',
    columns: [
      { key: 'name', label: 'Name' }, { key: 'description', label: 'Description' },
      { key: 'rules', label: 'Rules', sortable: false, format: (r) => (r.rules ?? []).map((/** @type {any} */ x) => `${x.action} ${x.network}`).join(', ') },
    ],
  },
  {
    name: 'clusters', title: 'Clusters', singular: 'cluster', schema: 'ClusterInput', permission: 'core.cluster',
    columns: [
      { key: 'name', label: 'Name' }, { key: 'siteId', label: 'Site', format: siteName, csv: siteName },
      { key: 'vip', label: 'VIP' }, { key: 'description', label: 'Description' },
    ],
  },
  {
    name: 'servers', title: 'Servers', singular: 'server', schema: 'ServerInput', permission: 'core.server', clusterFilter: true,
    columns: [
      { key: 'name', label: 'Name' }, { key: 'clusterId', label: 'Cluster', format: clusterName, csv: clusterName },
      { key: 'host', label: 'Host' }, { key: 'role', label: 'Role' }, { key: 'enabled', label: 'Enabled', format: (r) => yes(r.enabled) },
      { key: 'amiPort', label: 'AMI port', hidden: true }, { key: 'sshPort', label: 'SSH port', hidden: true },
    ],
  },
  {
    name: 'sites', title: 'Sites', singular: 'site', schema: 'SiteInput', permission: 'core.site',
    columns: [{ key: 'name', label: 'Name' }, { key: 'description', label: 'Description' }, { key: 'timezone', label: 'Time zone' }],
  },
  {
    name: 'tenants', title: 'Tenants', singular: 'tenant', schema: 'TenantInput', permission: 'core.tenant',
    columns: [{ key: 'name', label: 'Name' }, { key: 'description', label: 'Description' }, { key: 'dialPrefix', label: 'Dial prefix' }],
  },
];


/** The user form has no schema in the OpenAPI document: a small one here (POST /api/users). */
export class AcmUsersPage extends LitElement {
  static properties = { sub: { type: String }, roles: { state: true }, error: { state: true }, problems: { state: true } };
  constructor() {
    super();
    this.sub = '';
    /** @type {string[]} */
    this.roles = [];
    this.error = '';
    /** @type {Record<string, string>} */
    this.problems = {};
  }
  createRenderRoot() { return this; }
  connectedCallback() {
    super.connectedCallback();
    void api('GET', '/api/roles').then((r) => { this.roles = r.map((/** @type {any} */ x) => x.name); }).catch(() => {});
  }
  /** @param {SubmitEvent} e */
  async add(e) {
    e.preventDefault();
    const f = new FormData(/** @type {HTMLFormElement} */ (e.target));
    const body = Object.fromEntries([...f].filter(([, v]) => v !== ''));
    try {
      await api('POST', '/api/users', body);
      toast(`Added user ${body.username}.`);
      location.hash = '#/users';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.problems = err instanceof ApiError ? Object.fromEntries(err.problems.map((p) => [p.field, p.message])) : {};
    }
  }
  render() {
    if (this.sub === 'new') {
      const f = (/** @type {string} */ k, /** @type {string} */ l, type = 'text') => html`<div class="field ${this.problems[k] ? 'invalid' : ''}">
        <label for="u-${k}">${l}</label><input id="u-${k}" name=${k} type=${type} aria-invalid=${this.problems[k] ? 'true' : 'false'} autocomplete="off">
        ${this.problems[k] ? html`<p class="field-error">${this.problems[k]}</p>` : nothing}</div>`;
      return html`<header class="page-head"><h1>Add user</h1><a class="back" href="#/users">← Users</a></header>
        <form class="object-form" novalidate @submit=${this.add}>
          ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
          <fieldset class="section"><legend>User</legend><div class="fields">
            ${f('username', 'User name')} ${f('fullName', 'Full name')} ${f('email', 'Email', 'email')} ${f('password', 'Password', 'password')}
            <div class="field"><label for="u-role">Role</label><select id="u-role" name="role">${this.roles.map((r) => html`<option>${r}</option>`)}</select></div>
          </div></fieldset>
          <div class="form-buttons"><button class="primary" type="submit">Add</button><a class="button" href="#/users">Cancel</a></div>
        </form>`;
    }
    return html`<header class="page-head"><h1>Users</h1></header>
      <acm-table local .path=${'/api/users'} caption="Users" storage-key="users" .actions=${can('core.user:write') ? ['add'] : []}
        .columns=${[
          { key: 'username', label: 'User name' }, { key: 'fullName', label: 'Full name' }, { key: 'role', label: 'Role' },
          { key: 'scopes', label: 'Limited to', sortable: false, format: (/** @type {any} */ r) => (r.scopes ?? []).map((/** @type {any} */ s) => `${s.type} ${s.id}`).join(', ') || 'everything' },
          { key: 'totp', label: 'Two-factor', format: (/** @type {any} */ r) => (r.totp ? 'on' : 'off') },
          { key: 'lastLoginAt', label: 'Last login', format: (/** @type {any} */ r) => formatDate(r.lastLoginAt) },
          { key: 'enabled', label: 'Enabled', hidden: true },
        ]}
        @acm-action=${(/** @type {CustomEvent} */ e) => { if (e.detail.action === 'add') location.hash = '#/users/new'; }}></acm-table>`;
  }
}
customElements.define('acm-users-page', AcmUsersPage);

export class AcmAuditPage extends LitElement {
  createRenderRoot() { return this; }
  render() {
    return html`<header class="page-head"><h1>Audit log</h1></header>
      <acm-table .path=${'/api/audit'} caption="Audit log" storage-key="audit" .actions=${[]} page-size="50"
        .columns=${[
          { key: 'at', label: 'When', sortable: false, format: (/** @type {any} */ r) => formatDate(r.at) },
          { key: 'username', label: 'User', sortable: false }, { key: 'action', label: 'Action', sortable: false },
          { key: 'target', label: 'Object', sortable: false }, { key: 'label', label: 'Name', sortable: false },
          { key: 'targetId', label: 'Id', sortable: false, hidden: true },
          { key: 'ip', label: 'From', sortable: false },
          { key: 'after', label: 'Change', sortable: false, hidden: true, format: (/** @type {any} */ r) => (r.after ? JSON.stringify(r.after) : '') },
        ]}></acm-table>`;
  }
}
customElements.define('acm-audit-page', AcmAuditPage);

/**
 * `<acm-group-status>`: the helpdesk's view of a department — pick a group (or all) and a
 * cluster (or all); each extension's device and agent state, voicemail and call counters,
 * updated live from `extension` messages on /api/events.
 */
export class AcmGroupStatus extends LitElement {
  static properties = { group: { state: true }, cluster: { state: true }, rows: { state: true }, error: { state: true }, groups: { state: true }, clusters: { state: true } };
  constructor() {
    super();
    this.group = '';
    this.cluster = '';
    /** @type {any[]} */
    this.rows = [];
    this.error = '';
    /** @type {{value: number, label: string}[]} */
    this.groups = [];
    /** @type {{value: number, label: string}[]} */
    this.clusters = [];
    /** @type {Set<number>} */
    this.flash = new Set();
    this.seq = 0;
  }
  createRenderRoot() { return this; }
  connectedCallback() {
    super.connectedCallback();
    void Promise.all([refOptions('groupId'), refOptions('clusterId')]).then(([g, c]) => { this.groups = g; this.clusters = c; });
    this.off = live.subscribe((m) => this.onLive(m));
    void this.load();
  }
  disconnectedCallback() {
    super.disconnectedCallback();
    this.off?.();
  }
  async load() {
    const seq = ++this.seq;
    const p = new URLSearchParams({ pageSize: '1000', sort: 'extension' });
    if (this.group) p.set('groupId', this.group);
    if (this.cluster) p.set('clusterId', this.cluster);
    try {
      const res = await api('GET', `/api/extensions?${p}`);
      if (seq === this.seq) { this.rows = res.items; this.error = ''; }
    } catch (err) {
      if (seq === this.seq) this.error = err instanceof Error ? err.message : String(err);
    }
  }
  /** @param {any} m */
  onLive(m) {
    if (m?.type !== 'extension' || !m.changes) return;
    const i = this.rows.findIndex((r) => r.id === m.id);
    if (i < 0) return;
    const rows = [...this.rows];
    rows[i] = { ...rows[i], ...m.changes };
    this.rows = rows;
    this.flash.add(m.id);
    setTimeout(() => { this.flash.delete(m.id); this.requestUpdate(); }, 1200);
  }
  render() {
    const cname = new Map(this.clusters.map((c) => [c.value, c.label]));
    const inUse = this.rows.filter((r) => [1, 2, 8, 9, 16, 17].includes(r.extStatus)).length;
    const reg = this.rows.filter((r) => r.extStatus !== null && r.extStatus !== undefined && r.extStatus !== 4 && r.extStatus !== -1).length;
    return html`<header class="page-head"><h1>Group status</h1>
        <label class="inline">Group <select @change=${(/** @type {Event} */ e) => { this.group = /** @type {HTMLSelectElement} */ (e.target).value; void this.load(); }}>
          <option value="">ALL</option>${this.groups.map((g) => html`<option value=${g.value} ?selected=${String(g.value) === this.group}>${g.label}</option>`)}</select></label>
        <label class="inline">Cluster <select @change=${(/** @type {Event} */ e) => { this.cluster = /** @type {HTMLSelectElement} */ (e.target).value; void this.load(); }}>
          <option value="">ALL</option>${this.clusters.map((c) => html`<option value=${c.value} ?selected=${String(c.value) === this.cluster}>${c.label}</option>`)}</select></label>
      </header>
      <p class="summary-line" aria-live="polite">${this.rows.length} extensions · ${reg} reachable · ${inUse} busy or ringing</p>
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      <div class="table-wrap"><table class="grid status-grid">
        <caption class="visually-hidden">Extensions of the group, live</caption>
        <thead><tr><th scope="col">Extension</th><th scope="col">Name</th><th scope="col">Cluster</th><th scope="col">Device</th><th scope="col">Agent</th>
          <th scope="col" class="num">VM new</th><th scope="col" class="num">VM old</th><th scope="col" class="num">Calls in</th><th scope="col" class="num">Queue</th><th scope="col" class="num">Calls out</th></tr></thead>
        <tbody>${this.rows.map((r) => html`<tr data-id=${r.id} class=${this.flash.has(r.id) ? 'flash' : ''}>
          <td><a href="#/extensions/${r.id}">${r.extension}</a></td><td>${r.name}</td><td>${cname.get(r.clusterId) ?? r.clusterId}</td>
          <td class="device"><span class="state-dot s${r.extStatus ?? 'x'}" aria-hidden="true"></span>${deviceState(r.extStatus)}</td>
          <td class="agent">${r.agentStatus ?? '—'}</td>
          <td class="num">${r.vmUnread ?? 0}</td><td class="num">${r.vmOld ?? 0}</td>
          <td class="num calls-in">${r.callsDin ?? 0}</td><td class="num">${r.callsQin ?? 0}</td><td class="num">${r.callsOut ?? 0}</td></tr>`)}
        ${!this.rows.length ? html`<tr><td colspan="10" class="empty">No extensions.</td></tr>` : nothing}</tbody>
      </table></div>`;
  }
}
customElements.define('acm-group-status', AcmGroupStatus);

/** `<acm-server-status>`: every cluster's servers from /api/status, live from `server` messages. */
export class AcmServerStatus extends LitElement {
  static properties = { clusters: { state: true }, error: { state: true } };
  constructor() {
    super();
    /** @type {any[]} */
    this.clusters = [];
    this.error = '';
  }
  createRenderRoot() { return this; }
  connectedCallback() {
    super.connectedCallback();
    this.off = live.subscribe((m) => {
      if (m?.type !== 'server') return;
      this.clusters = this.clusters.map((c) => c.clusterId !== m.clusterId ? c : (() => {
        const servers = c.servers.map((/** @type {any} */ s) => (s.serverId === m.serverId ? { ...s, ...m } : s));
        return { ...c, servers, connected: servers.filter((/** @type {any} */ s) => s.connected).length };
      })());
    });
    void this.load();
    this.timer = setInterval(() => void this.load(), 30000);
  }
  disconnectedCallback() { super.disconnectedCallback(); this.off?.(); clearInterval(this.timer); }
  async load() {
    try { this.clusters = await api('GET', '/api/status'); this.error = ''; } catch (err) { this.error = err instanceof Error ? err.message : String(err); }
  }
  render() {
    return html`<header class="page-head"><h1>Server status</h1></header>
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      ${this.clusters.map((c) => html`<section class="cluster-status" aria-labelledby="cl-${c.clusterId}">
        <h2 id="cl-${c.clusterId}">${c.name} <span class="badge ${c.connected === c.total ? 'green' : c.connected ? 'orange' : 'red'}">${c.connected}/${c.total} connected</span></h2>
        <div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Server</th><th scope="col">Host</th><th scope="col">State</th><th scope="col">Asterisk</th>
          <th scope="col">Up</th><th scope="col" class="num">Calls</th><th scope="col">Last reload</th><th scope="col">Problem</th></tr></thead>
        <tbody>${c.servers.map((/** @type {any} */ s) => html`<tr data-server=${s.serverId}>
          <td>${s.name}</td><td>${s.host}</td>
          <td><span class="badge ${s.connected ? 'green' : 'red'}">${s.connected ? 'connected' : 'disconnected'}</span></td>
          <td>${s.version ?? ''}</td><td>${duration(s.uptimeSeconds)}</td><td class="num">${s.currentCalls ?? ''}</td>
          <td>${formatDate(s.reloadedAt)}</td><td>${s.lastError ?? ''}</td></tr>`)}
          ${!c.servers.length ? html`<tr><td colspan="8" class="empty">No servers watched in this cluster.</td></tr>` : nothing}</tbody></table></div>
      </section>`)}`;
  }
}
customElements.define('acm-server-status', AcmServerStatus);

/** `<acm-plugins-page>`: the installed plugins; admins enable and disable them here. */
export class AcmPluginsPage extends LitElement {
  static properties = { plugins: { state: true }, busy: { state: true } };
  constructor() {
    super();
    /** @type {any[]} */
    this.plugins = [];
    this.busy = '';
  }
  createRenderRoot() { return this; }
  connectedCallback() { super.connectedCallback(); void this.load(); }
  async load() { this.plugins = await api('GET', '/api/plugins'); }
  /** @param {any} p */
  async toggle(p) {
    this.busy = p.id;
    try {
      await api('POST', `/api/plugins/${p.enabled ? 'disable' : 'enable'}`, { id: p.id });
      toast(`${p.title} ${p.enabled ? 'disabled' : 'enabled'}.`);
      window.dispatchEvent(new CustomEvent('acm-plugins-changed'));
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      this.busy = '';
      await this.load();
    }
  }
  render() {
    const write = can('core.plugin:write');
    return html`<header class="page-head"><h1>Plugins</h1></header>
      <div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Plugin</th><th scope="col">Version</th><th scope="col">State</th><th scope="col">Pages</th>${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
      <tbody>${this.plugins.map((p) => html`<tr data-plugin=${p.id}><td><strong>${p.title}</strong><br><small>${p.id}</small></td><td>${p.version}</td>
        <td><span class="badge ${p.started ? 'green' : p.enabled ? 'orange' : 'grey'}">${p.started ? 'running' : p.enabled ? (p.licensed ? 'enabled, not running' : 'not licensed') : 'disabled'}</span></td>
        <td>${(p.ui ?? []).map((/** @type {any} */ u) => u.title).join(', ')}</td>
        ${write ? html`<td class="actions"><button type="button" class="small" ?disabled=${this.busy === p.id} @click=${() => this.toggle(p)}>${p.enabled ? 'Disable' : 'Enable'}</button></td>` : nothing}</tr>`)}</tbody></table></div>`;
  }
}
customElements.define('acm-plugins-page', AcmPluginsPage);
