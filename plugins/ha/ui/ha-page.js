// @ts-check
// The HA plugin's page (`#/ha`): every HA group with its nodes, VIPs and who holds them, the
// state in plain words (GET /status), file sync per path, the event history, the notification
// outbox per target, and — for ha.group:write — adding and changing groups (the shared form),
// applying the config (a commit of the group's cluster: keepalived.conf and node.json go out
// with its revision), failover (confirmed) and full resync.
// Light DOM with the shell's stylesheet (app.css): no inline styles or scripts (CSP).
import { LitElement, html, nothing } from 'lit';
import { api, can, confirmDialog, formatDate, notifyChanged, toast } from 'acm/sdk.js';

const API = '/api/plugins/ha';
/** The group state as a badge colour: orange during failover, red when broken. */
const STATE_COLOUR = /** @type {Record<string, string>} */ ({ normal: 'green', failover: 'orange', split: 'red', down: 'red', unknown: 'grey', unconfigured: 'grey' });
const VRRP_COLOUR = /** @type {Record<string, string>} */ ({ MASTER: 'green', BACKUP: 'grey', FAULT: 'red', STOP: 'orange' });
const OUTBOX_COLOUR = /** @type {Record<string, string>} */ ({ ok: 'green', idle: 'grey', waiting: 'grey', retrying: 'orange', failing: 'red', sent: 'green', pending: 'grey', failed: 'red', skipped: 'grey' });

/** The group form: what a group is, then what keepalived watches and how fast. */
const GROUP_SECTIONS = [
  { title: 'Group', fields: ['clusterId', 'name', 'description', 'services', 'witness'] },
  { title: 'Checks and timing', fields: ['sipPort', 'amiPort', 'advertInt', 'checkInterval', 'checkFall', 'checkRise'] },
  { title: 'Trunks', fields: ['trunks'] },
];
/** @type {Record<string, import('acm/sdk.js').FieldHint>} */
const GROUP_HINTS = {
  clusterId: { fixed: true },
  witness: { label: 'Witness address' }, advertInt: { label: 'VRRP advert interval (s)' }, checkInterval: { label: 'Health check every (s)' },
  checkFall: { label: 'Failed checks before FAULT' }, checkRise: { label: 'Good checks before recovery' }, sipPort: { label: 'SIP port' }, amiPort: { label: 'AMI port' },
};

const errText = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));
const plural = (/** @type {number} */ n, /** @type {string} */ one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `<acm-ha-page>`: each part loads on its own and shows its own error. */
export class AcmHaPage extends LitElement {
  static properties = {
    groups: { state: true }, statusError: { state: true },
    sync: { state: true }, syncError: { state: true },
    events: { state: true }, eventsError: { state: true },
    outbox: { state: true }, recent: { state: true }, outboxError: { state: true },
    busy: { state: true }, results: { state: true }, updatedAt: { state: true },
    mode: { state: true }, editId: { state: true },
  };

  constructor() {
    super();
    /** @type {any[] | null} */
    this.groups = null;
    this.statusError = '';
    /** @type {Record<number, any>} */
    this.sync = {};
    this.syncError = '';
    /** @type {any[] | null} */
    this.events = null;
    this.eventsError = '';
    /** @type {any[] | null} */
    this.outbox = null;
    /** @type {any[] | null} */
    this.recent = null;
    this.outboxError = '';
    /** @type {string} what is running: `apply:1`, `failover:1:7`, `resync:1` */
    this.busy = '';
    /** @type {Record<number, {action: string, lines: {text: string, ok: boolean}[]}>} */
    this.results = {};
    /** @type {Date | null} */
    this.updatedAt = null;
    /** @type {'list' | 'new' | 'edit'} the groups, or the form adding / changing one */
    this.mode = 'list';
    this.editId = 0;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
    // Node state, sync rounds and the outbox move by themselves: re-read them now and then.
    this.timer = setInterval(() => void this.load(), 10000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  async load() {
    await Promise.all([this.loadStatus(), this.loadEvents(), this.loadOutbox()]);
    this.updatedAt = new Date();
  }

  async loadStatus() {
    try {
      const groups = (await api('GET', `${API}/status`)).groups;
      this.groups = groups;
      this.statusError = '';
      const sync = /** @type {Record<number, any>} */ ({});
      await Promise.all(groups.map(async (/** @type {any} */ g) => { sync[g.id] = await api('GET', `${API}/groups/${g.id}/sync`); }));
      this.sync = sync;
      this.syncError = '';
    } catch (err) {
      if (this.groups === null) this.statusError = errText(err); else this.syncError = errText(err);
    }
  }

  async loadEvents() {
    try { this.events = (await api('GET', `${API}/events?limit=100`)).items; this.eventsError = ''; } catch (err) { this.eventsError = errText(err); }
  }

  async loadOutbox() {
    try {
      const [perTarget, recent] = await Promise.all([api('GET', `${API}/notify-status`), api('GET', `${API}/notifications?limit=50`)]);
      this.outbox = perTarget.items;
      this.recent = recent.items;
      this.outboxError = '';
    } catch (err) { this.outboxError = errText(err); }
  }

  /**
   * "Apply config": the commit of the group's cluster, as the topbar's Commit does for every
   * cluster; its revision holds the nodes' keepalived.conf and node.json (diff, rollback).
   * @param {any} g
   */
  async apply(g) {
    this.busy = `apply:${g.id}`;
    try {
      const r = await api('POST', '/api/commit', { clusterId: g.clusterId });
      notifyChanged();
      const lines = r.revisions.map((/** @type {any} */ x) => ({ ok: x.status !== 'failed', text: `revision ${x.id ?? '-'}: ${x.status}${x.files.length ? ` (${plural(x.files.length, 'file')})` : ''}${x.error ? ` — ${x.error}` : ''}` }));
      this.results = { ...this.results, [g.id]: { action: 'Apply config', lines } };
      const bad = lines.some((/** @type {any} */ l) => !l.ok);
      toast(bad ? `Applying the config of ${g.name} failed; the servers were rolled back` : `Applied the config of ${g.name}`, bad ? 'error' : 'success');
    } catch (err) {
      toast(`Applying the config of ${g.name} failed: ${errText(err)}`, 'error');
    } finally {
      this.busy = '';
    }
  }

  /** @param {any} g @param {any} n */
  async failover(g, n) {
    const others = g.nodes.filter((/** @type {any} */ x) => x.serverId !== n.serverId).map((/** @type {any} */ x) => x.name).join(', ');
    const ok = await confirmDialog(`Move the services of ${g.name} off ${n.name}? The VIPs go to ${others || 'another node'}; calls on ${n.name} may drop. There is no automatic failback: moving them back is the same action on the other node.`, `Fail over from ${n.name}`);
    if (!ok) return;
    this.busy = `failover:${g.id}:${n.serverId}`;
    try {
      const r = await api('POST', `${API}/groups/${g.id}/failover`, { serverId: n.serverId });
      this.results = { ...this.results, [g.id]: { action: `Failover from ${n.name}`, lines: [{ ok: r.ok, text: r.output || (r.ok ? 'done' : 'failed') }] } };
      toast(r.ok ? `${n.name} released the VIPs` : `Failover from ${n.name} failed`, r.ok ? 'success' : 'error');
    } catch (err) {
      toast(`Failover failed: ${errText(err)}`, 'error');
    } finally {
      this.busy = '';
      void this.load();
    }
  }

  /** @param {any} g */
  async resync(g) {
    this.busy = `resync:${g.id}`;
    try {
      const r = await api('POST', `${API}/groups/${g.id}/sync`, { full: true });
      this.sync = { ...this.sync, [g.id]: r };
      const lines = r.paused ? [{ ok: false, text: r.paused }] : r.reports.map((/** @type {any} */ x) => ({ ok: !x.errors.length && !x.conflicts.length, text: `${x.root}: ${x.copied.length} copied, ${x.deleted.length} deleted, ${plural(x.conflicts.length, 'conflict')}${x.errors.length ? `, errors: ${x.errors.join('; ')}` : ''}` }));
      this.results = { ...this.results, [g.id]: { action: 'Full resync', lines } };
      toast(r.paused ? `Resync of ${g.name} paused` : `Resynced ${g.name}`, r.paused ? 'error' : 'success');
    } catch (err) {
      toast(`Resync failed: ${errText(err)}`, 'error');
    } finally {
      this.busy = '';
    }
  }

  /** @param {any} g */
  async removeGroup(g) {
    if (!(await confirmDialog(`Delete HA group ${g.name} with its nodes, VIPs, synced paths and notification targets? keepalived on the nodes keeps running until you change it there.`, 'Delete'))) return;
    try {
      await api('DELETE', `${API}/groups/${g.id}`);
      toast(`Deleted ${g.name}`, 'success');
    } catch (err) {
      toast(`Could not delete ${g.name}: ${errText(err)}`, 'error');
    }
    void this.load();
  }

  /** @param {'new' | 'edit'} mode @param {number} [id] */
  openForm(mode, id = 0) {
    this.mode = mode;
    this.editId = id;
  }

  renderForm() {
    const back = () => { this.mode = 'list'; void this.load(); };
    const name = this.mode === 'edit' ? (this.groups ?? []).find((g) => g.id === this.editId)?.name : '';
    return html`<header class="page-head"><h1>${this.mode === 'new' ? 'Add HA group' : `Change HA group ${name ?? ''}`}</h1></header>
      <acm-object-form resource="ha-groups" path="${API}/groups" schema-name="HaGroupInput" permission="ha.group"
        .mode=${this.mode} .itemId=${this.editId} .sections=${GROUP_SECTIONS} .hints=${GROUP_HINTS} @acm-saved=${back} @acm-cancel=${back}></acm-object-form>`;
  }

  render() {
    if (this.mode !== 'list') return this.renderForm();
    const write = can('ha.group:write');
    return html`<header class="page-head"><h1>High availability</h1>
        ${write ? html`<button type="button" class="primary" @click=${() => this.openForm('new')}>Add HA group</button>` : nothing}
        <button type="button" class="small" @click=${() => void this.load()}>Refresh</button>
        ${this.updatedAt ? html`<span class="muted">updated ${formatDate(this.updatedAt)}</span>` : nothing}</header>
      ${this.statusError ? html`<p class="alert error" role="alert">The HA status could not be read: ${this.statusError}</p>` : nothing}
      ${this.groups === null && !this.statusError ? html`<p class="loading">Asking the nodes…</p>` : nothing}
      ${this.groups && !this.groups.length ? html`<p class="empty">No HA groups yet.${write ? ' Add one with “Add HA group”.' : ''}</p>` : nothing}
      ${(this.groups ?? []).map((g) => this.renderGroup(g))}
      ${this.renderEvents()}
      ${this.renderOutbox()}`;
  }

  /** @param {any} g */
  renderGroup(g) {
    const write = can('ha.group:write');
    const s = this.sync[g.id];
    const result = this.results[g.id];
    return html`<section class="sec-part ha-group" data-group=${g.name} aria-labelledby="ha-g-${g.id}">
      <div class="part-head"><h2 id="ha-g-${g.id}">${g.name}</h2>
        <span class="badge ${STATE_COLOUR[g.state] ?? 'grey'} ha-state" data-state=${g.state}>${g.words}</span>
        <span class="muted">as of ${formatDate(g.timestamp)}</span>
        ${write ? html`<button type="button" class="small" aria-label="Change ${g.name}" @click=${() => this.openForm('edit', g.id)}>Change</button>
          <button type="button" class="small danger" aria-label="Delete ${g.name}" ?disabled=${!!this.busy} @click=${() => void this.removeGroup(g)}>Delete</button>
          ${can('core.commit:write') ? html`<button type="button" class="small" ?disabled=${!!this.busy} @click=${() => void this.apply(g)}>${this.busy === `apply:${g.id}` ? 'Applying…' : 'Apply config'}</button>` : nothing}
          <button type="button" class="small" ?disabled=${!!this.busy} @click=${() => void this.resync(g)}>${this.busy === `resync:${g.id}` ? 'Resyncing…' : 'Full resync'}</button>` : nothing}
      </div>
      ${result ? html`<div class="ha-result" role="status"><strong>${result.action}</strong>
        <ul>${result.lines.map((l) => html`<li class=${l.ok ? '' : 'text-red'}>${l.text}</li>`)}</ul></div>` : nothing}
      <div class="table-wrap"><table class="grid compact ha-vips">
        <caption>VIPs of ${g.name}</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Address</th><th scope="col">VRID</th><th scope="col">Held by</th></tr></thead>
        <tbody>${g.vips.map((/** @type {any} */ v) => html`<tr data-vip=${v.address}>
          <td>${v.kind}</td><td><code>${v.address}/${v.prefix}</code></td><td class="num">${v.virtualRouterId}</td>
          <td>${v.heldBy.length ? html`<span class="badge ${v.heldBy.length > 1 ? 'red' : 'green'}">${v.heldBy.join(', ')}</span>` : html`<span class="badge red">nobody</span>`}</td></tr>`)}
          ${!g.vips.length ? html`<tr><td colspan="4" class="empty">No VIPs.</td></tr>` : nothing}</tbody>
      </table></div>
      <div class="table-wrap"><table class="grid compact ha-nodes">
        <caption>Nodes of ${g.name}</caption>
        <thead><tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col" class="num">Priority</th><th scope="col">Address</th><th scope="col">VRRP</th><th scope="col">Health check</th>${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
        <tbody>${g.nodes.map((/** @type {any} */ n) => this.renderNode(g, n, write))}
          ${!g.nodes.length ? html`<tr><td colspan=${write ? 7 : 6} class="empty">No nodes.</td></tr>` : nothing}</tbody>
      </table></div>
      <p class="summary-line">Replication: <strong>${g.replication}</strong>${s ? html` — sync ${s.paused ? html`<span class="badge orange">paused</span> ${s.paused}` : html`${s.direction}${s.at ? html`, last round ${formatDate(s.at)}` : nothing}`}` : nothing}</p>
      ${this.syncError ? html`<p class="alert error" role="alert">Sync status: ${this.syncError}</p>` : nothing}
      ${s && s.paths.length ? html`<div class="table-wrap"><table class="grid compact ha-sync">
        <caption>Synced paths of ${g.name}</caption>
        <thead><tr><th scope="col">Path</th><th scope="col">Last round</th><th scope="col" class="num">Copied</th><th scope="col" class="num">Deleted</th><th scope="col" class="num">Conflicts</th><th scope="col">Errors</th></tr></thead>
        <tbody>${s.paths.map((/** @type {any} */ p) => html`<tr data-path=${p.path}>
          <td><code>${p.path}</code>${p.excludes.length ? html`<br><small>except ${p.excludes.join(', ')}</small>` : nothing}</td>
          <td>${p.last ? html`${formatDate(p.last.at)} <small>(${p.last.ms} ms${p.last.full ? ', full' : ''})</small>` : html`<span class="muted">not yet</span>`}</td>
          <td class="num">${p.last ? p.last.copied.length : ''}</td><td class="num">${p.last ? p.last.deleted.length : ''}</td>
          <td class="num">${p.last ? (p.last.conflicts.length ? html`<span class="badge red">${p.last.conflicts.length}</span>` : '0') : ''}</td>
          <td class="wrap">${p.last?.errors.length ? html`<span class="text-red">${p.last.errors.join('; ')}</span>` : p.last ? 'none' : ''}</td></tr>`)}</tbody>
      </table></div>` : nothing}
      ${s && s.conflicts.length ? html`<ul class="ha-conflicts" aria-label="Open sync conflicts">${s.conflicts.map((/** @type {any} */ c) => html`<li><span class="badge red">conflict</span> <code>${c.path}</code> on server ${c.peer}: ${c.reason} (since ${formatDate(c.since)})</li>`)}</ul>` : nothing}
    </section>`;
  }

  /** @param {any} g @param {any} n @param {boolean} write */
  renderNode(g, n, write) {
    const states = Object.entries(n.vrrp ?? {});
    const failed = n.check ? n.check.items.filter((/** @type {any} */ i) => !i.ok) : [];
    const holds = g.vips.some((/** @type {any} */ v) => v.heldBy.includes(n.name));
    return html`<tr data-node=${n.name}>
      <td>${n.name}${n.reachable ? nothing : html` <span class="badge red" title=${n.error ?? ''}>unreachable</span>`}</td>
      <td>${n.primary ? 'primary' : 'secondary'}${holds ? html` <span class="badge green">active</span>` : html` <span class="badge grey">standby</span>`}</td>
      <td class="num">${n.priority}</td><td><code>${n.sourceAddress}</code> <small>${n.interface}</small></td>
      <td>${states.length ? states.map(([inst, st]) => html`<span class="badge ${VRRP_COLOUR[/** @type {any} */ (st).state] ?? 'grey'}" title="${inst} since ${formatDate(/** @type {any} */ (st).at)}">${/** @type {any} */ (st).state}</span> `) : html`<span class="muted">no report</span>`}</td>
      <td>${n.check ? html`<span class="badge ${n.check.ok ? 'green' : 'red'}">${n.check.ok ? 'passing' : 'FAILING'}</span> <small>${formatDate(n.check.at)}</small>
        ${failed.length ? html`<ul class="ha-check-failures">${failed.map((/** @type {any} */ i) => html`<li>${i.name}: ${i.detail}</li>`)}</ul>` : nothing}` : html`<span class="muted">no report</span>`}</td>
      ${write ? html`<td class="actions"><button type="button" class="small danger" ?disabled=${!!this.busy || g.nodes.length < 2}
        aria-label="Fail over from ${n.name}" @click=${() => void this.failover(g, n)}>${this.busy === `failover:${g.id}:${n.serverId}` ? 'Failing over…' : 'Fail over'}</button></td>` : nothing}
    </tr>`;
  }

  renderEvents() {
    const rows = this.events ?? [];
    const names = new Map((this.groups ?? []).map((g) => [g.id, g.name]));
    return html`<section class="sec-part ha-events" aria-labelledby="ha-events-h">
      <div class="part-head"><h2 id="ha-events-h">History</h2><span class="muted">state changes from every node and operator actions, newest first</span></div>
      ${this.eventsError ? html`<p class="alert error" role="alert">${this.eventsError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact">
        <caption class="visually-hidden">HA event history</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Group</th><th scope="col">Node</th><th scope="col">State</th><th scope="col">What</th></tr></thead>
        <tbody>${rows.map((e) => html`<tr data-state=${e.state}>
          <td>${formatDate(e.at)}</td><td>${names.get(e.groupId) ?? e.groupId ?? ''}</td><td>${e.node ?? ''}</td>
          <td><span class="badge ${VRRP_COLOUR[e.state] ?? (e.state === 'FAILOVER' ? 'orange' : e.state === 'SYNC_CONFLICT' ? 'red' : 'grey')}">${e.state}</span></td>
          <td class="wrap">${e.message ?? ''}</td></tr>`)}
          ${this.events && !rows.length ? html`<tr><td colspan="5" class="empty">No state changes recorded yet.</td></tr>` : nothing}</tbody>
      </table></div>
    </section>`;
  }

  renderOutbox() {
    const targets = this.outbox ?? [];
    const recent = /** @type {any[]} */ (this.recent ?? []);
    return html`<section class="sec-part ha-outbox" aria-labelledby="ha-outbox-h">
      <div class="part-head"><h2 id="ha-outbox-h">Notifications</h2><span class="muted">email, syslog, SNMP traps and webhooks; failed deliveries are retried with back-off</span></div>
      ${this.outboxError ? html`<p class="alert error" role="alert">${this.outboxError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact ha-targets">
        <caption>Notification targets</caption>
        <thead><tr><th scope="col">Group</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Status</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Failed</th><th scope="col">Last sent</th><th scope="col">Last error</th></tr></thead>
        <tbody>${targets.map((t) => html`<tr data-target=${`${t.type}:${t.target}`}>
          <td>${t.group}</td><td>${t.type}</td><td><code>${t.target}</code>${t.enabled ? nothing : html` <span class="badge grey">disabled</span>`}</td>
          <td><span class="badge ${OUTBOX_COLOUR[t.state] ?? 'grey'}">${t.transport ? t.state : 'no transport'}</span></td>
          <td class="num">${t.sent}</td><td class="num">${t.pending}</td><td class="num">${t.failed}</td>
          <td>${t.lastSentAt ? formatDate(t.lastSentAt) : html`<span class="muted">never</span>`}</td><td class="wrap">${t.lastError ?? ''}</td></tr>`)}
          ${this.outbox && !targets.length ? html`<tr><td colspan="9" class="empty">No notification targets.</td></tr>` : nothing}</tbody>
      </table></div>
      <details class="ha-recent"><summary>Last ${plural(recent.length, 'delivery', 'deliveries')}</summary>
        <div class="table-wrap"><table class="grid compact">
          <caption class="visually-hidden">Recent notifications, newest first</caption>
          <thead><tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Error</th></tr></thead>
          <tbody>${recent.map((n) => html`<tr><td>${formatDate(n.createdAt)}</td><td>${n.type}: <code>${n.target}</code></td><td class="wrap">${n.subject}</td>
            <td><span class="badge ${OUTBOX_COLOUR[n.status] ?? 'grey'}">${n.status}</span></td><td class="num">${n.attempts}</td><td class="wrap">${n.lastError ?? ''}</td></tr>`)}</tbody>
        </table></div>
      </details>
    </section>`;
  }
}

customElements.define('acm-ha-page', AcmHaPage);
