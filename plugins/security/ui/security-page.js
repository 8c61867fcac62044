// @ts-check
// The security plugin's page (`#/security`): config audit findings, NOC alerts, Asterisk
// security events per source address, fail2ban / firewall / BLACKLIST posture per server with
// the raw output one click away, blacklist add/remove, and the web sign-in trail beside them.
// Light DOM with the shell's stylesheet (app.css): no inline styles or scripts (CSP).
import { LitElement, html, nothing } from 'lit';
import { api, ApiError, can, confirmDialog, formatDate, toast } from 'acm/sdk.js';

const API = '/api/plugins/security';
const SEVERITIES = /** @type {const} */ (['critical', 'high', 'medium', 'low']);
/** Auth audit actions in words. */
const AUTH_ACTIONS = /** @type {Record<string, {text: string, colour: string}>} */ ({
  'auth.login.failed': { text: 'failed sign-in', colour: 'red' },
  'auth.login.locked': { text: 'locked out', colour: 'red' },
  'auth.login': { text: 'signed in', colour: 'green' },
});

const errText = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));
const num = (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? '' : n.toLocaleString());

/**
 * `<acm-security-page>`. Each part loads on its own and shows its own error, so one failing
 * source (say SSH to a server) never blanks the page; parts the user's role may not read are
 * left out.
 */
export class AcmSecurityPage extends LitElement {
  static properties = {
    audit: { state: true }, auditError: { state: true }, severity: { state: true },
    alerts: { state: true }, alertsError: { state: true },
    sources: { state: true }, sourcesError: { state: true },
    servers: { state: true }, statusError: { state: true },
    selected: { state: true }, posture: { state: true }, postureError: { state: true }, postureBusy: { state: true },
    raw: { state: true }, rawBusy: { state: true },
    blError: { state: true }, blBusy: { state: true },
    auth: { state: true }, authError: { state: true }, authFailuresOnly: { state: true },
    updatedAt: { state: true },
  };

  constructor() {
    super();
    /** @type {null | {findings: any[], summary: Record<string, number>, rules: Record<string, {severity: string, title: string}>, clusters: number}} */
    this.audit = null;
    this.auditError = '';
    this.severity = '';
    /** @type {any[] | null} */
    this.alerts = null;
    this.alertsError = '';
    /** @type {null | {sources: any[], totals: Record<string, number>}} */
    this.sources = null;
    this.sourcesError = '';
    /** @type {any[] | null} servers from /status, with their last posture summary */
    this.servers = null;
    this.statusError = '';
    /** @type {number | null} */
    this.selected = null;
    /** @type {any} */
    this.posture = null;
    this.postureError = '';
    this.postureBusy = false;
    /** @type {Record<string, string> | null} */
    this.raw = null;
    this.rawBusy = false;
    this.blError = '';
    this.blBusy = false;
    /** @type {any[] | null} */
    this.auth = null;
    this.authError = '';
    this.authFailuresOnly = false;
    /** @type {Date | null} */
    this.updatedAt = null;
    this.seq = 0;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
    // Alerts, counters and the sign-in trail move by themselves: re-read them now and then.
    this.timer = setInterval(() => void this.loadLive(), 15000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  async load() {
    await Promise.all([this.loadAudit(), this.loadLive(), this.loadStatus()]);
  }

  async loadLive() {
    await Promise.all([this.loadAlerts(), this.loadSources(), this.loadAuth()]);
    this.updatedAt = new Date();
  }

  async loadAudit() {
    try { this.audit = await api('GET', `${API}/audit`); this.auditError = ''; } catch (err) { this.auditError = errText(err); }
  }

  async loadAlerts() {
    if (!can('security.alerts:read')) return;
    try { this.alerts = await api('GET', `${API}/alerts?view=noc&limit=200`); this.alertsError = ''; } catch (err) { this.alertsError = errText(err); }
  }

  async loadSources() {
    if (!can('security.alerts:read')) return;
    try { this.sources = await api('GET', `${API}/sources`); this.sourcesError = ''; } catch (err) { this.sourcesError = errText(err); }
  }

  async loadStatus() {
    if (!can('security.posture:read')) return;
    try { this.servers = (await api('GET', `${API}/status`)).servers; this.statusError = ''; } catch (err) { this.statusError = errText(err); }
  }

  async loadAuth() {
    if (!can('core.audit:read')) return;
    try {
      this.auth = (await api('GET', '/api/audit?q=auth.login&pageSize=100')).items
        .filter((/** @type {any} */ r) => typeof r.action === 'string' && r.action.startsWith('auth.login'));
      this.authError = '';
    } catch (err) { this.authError = errText(err); }
  }

  /**
   * Opens a server's posture (collected over SSH when it has none yet, or when `refresh`).
   * @param {number} serverId @param {boolean} [refresh]
   */
  async openPosture(serverId, refresh = false) {
    const seq = ++this.seq;
    if (this.selected !== serverId) { this.posture = null; this.raw = null; this.blError = ''; }
    this.selected = serverId;
    this.postureBusy = true;
    this.postureError = '';
    try {
      const p = await api('GET', `${API}/servers/${serverId}/posture${refresh ? '?refresh=1' : ''}`);
      if (seq !== this.seq) return;
      this.posture = p;
      if (refresh) this.raw = null;
      // The list shows the same server's summary: keep it in step.
      this.servers = (this.servers ?? []).map((s) => (s.serverId === serverId ? { ...s, posture: p } : s));
    } catch (err) {
      if (seq === this.seq) this.postureError = errText(err);
    } finally {
      if (seq === this.seq) this.postureBusy = false;
    }
  }

  async showRaw() {
    if (this.selected === null) return;
    if (this.raw) { this.raw = null; return; }
    this.rawBusy = true;
    try {
      const p = await api('GET', `${API}/servers/${this.selected}/posture?raw=1`);
      this.raw = p.raw ?? {};
    } catch (err) {
      this.postureError = errText(err);
    } finally {
      this.rawBusy = false;
    }
  }

  /**
   * Blocks or unblocks an address on every server of the cluster (one blacklist entry), then
   * reads this server's chain again to show what it took. @param {'add' | 'remove'} action @param {string} address
   */
  async blacklist(action, address) {
    const serverId = this.selected;
    const clusterId = this.posture?.clusterId;
    if (serverId === null || clusterId === undefined) return;
    const server = this.posture?.server ?? `server ${serverId}`;
    if (action === 'remove' && !(await confirmDialog(`Remove ${address} from the blacklist of ${server} and the other servers of its cluster?`, 'Remove'))) return;
    this.blBusy = true;
    this.blError = '';
    try {
      if (action === 'add') {
        const entry = await api('POST', `${API}/blacklist`, { clusterId, address });
        address = entry.address;
        const input = /** @type {HTMLInputElement | null} */ (this.querySelector('#bl-address'));
        if (input) input.value = '';
      } else {
        const found = await api('GET', `${API}/blacklist?clusterId=${clusterId}&q=${encodeURIComponent(address)}&pageSize=100`);
        const entry = found.items.find((/** @type {any} */ e) => e.address === address);
        // A rule made on the server itself has no entry: acm does not take it off.
        if (!entry) { this.blError = `${address} was not blocked through acm: remove it on the server.`; return; }
        await api('DELETE', `${API}/blacklist/${entry.id}`);
      }
      await this.openPosture(serverId, true);
      const listed = this.posture?.blacklist?.addresses.some((/** @type {any} */ b) => b.address === address);
      if (listed === (action === 'add')) toast(action === 'add' ? `${address} blocked on ${server}.` : `${address} removed from the blacklist of ${server}.`);
      // The entry is stored either way; what each server answered is in the audit log.
      else this.blError = `The server did not confirm the change${this.posture?.blacklist ? '' : ' (its firewall is not readable)'}; see the audit log.`;
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) this.blError = err.problems.map((p) => p.message).join('; ');
      else this.blError = errText(err);
    } finally {
      this.blBusy = false;
    }
  }

  /** @param {SubmitEvent} e */
  onBlacklistSubmit(e) {
    e.preventDefault();
    const input = /** @type {HTMLInputElement | null} */ (this.querySelector('#bl-address'));
    const address = input?.value.trim() ?? '';
    if (!address) { this.blError = 'Enter an IPv4 or IPv6 address or network.'; return; }
    void this.blacklist('add', address);
  }

  /* ------------------------------------------------------------------ parts */

  auditView() {
    const a = this.audit;
    const findings = (a?.findings ?? []).filter((f) => !this.severity || f.severity === this.severity);
    const order = (/** @type {string} */ s) => SEVERITIES.indexOf(/** @type {any} */ (s));
    findings.sort((x, y) => order(x.severity) - order(y.severity) || String(x.cluster).localeCompare(String(y.cluster)) || String(x.object?.name).localeCompare(String(y.object?.name)));
    return html`<section class="sec-part sec-audit" aria-labelledby="sec-audit-h">
      <div class="part-head"><h2 id="sec-audit-h">Config audit</h2>
        ${a ? html`<ul class="severity-counts" aria-label="Findings by severity">${SEVERITIES.map((s) => html`<li><span class="badge sev-${s}">${a.summary[s] ?? 0} ${s}</span></li>`)}</ul>` : nothing}
        <label class="inline">Severity
          <select id="sec-severity" @change=${(/** @type {Event} */ e) => { this.severity = /** @type {HTMLSelectElement} */ (e.target).value; }}>
            <option value="" ?selected=${!this.severity}>All</option>
            ${SEVERITIES.map((s) => html`<option value=${s} ?selected=${this.severity === s}>${s}</option>`)}
          </select></label>
        <button type="button" class="small" @click=${() => void this.loadAudit()}>Run again</button>
      </div>
      <p class="summary-line">Weak, reused or name-like passwords, accounts reachable from any address, guest routes to trunks and default voicemail PINs, checked in every cluster you see.</p>
      ${this.auditError ? html`<p class="alert error" role="alert">The audit could not run: ${this.auditError}</p>` : nothing}
      ${!a && !this.auditError ? html`<p class="loading">Running the audit…</p>` : nothing}
      ${a ? html`<div class="table-wrap"><table class="grid findings">
        <caption class="visually-hidden">Config audit findings${this.severity ? `, ${this.severity} only` : ''}</caption>
        <thead><tr><th scope="col">Severity</th><th scope="col">Cluster</th><th scope="col">Object</th><th scope="col">Rule</th><th scope="col">Problem</th><th scope="col">Fix</th></tr></thead>
        <tbody>${findings.map((f) => html`<tr data-rule=${f.rule} data-severity=${f.severity}>
          <td><span class="badge sev-${f.severity}">${f.severity}</span></td><td>${f.cluster}</td>
          <td class="object"><span class="muted">${f.object?.type}</span> ${f.object?.name}</td>
          <td class="rule" title=${a.rules?.[f.rule]?.title ?? ''}><code>${f.rule}</code></td>
          <td>${f.message}</td><td class="fix">${f.fix}</td></tr>`)}
          ${!findings.length ? html`<tr><td colspan="6" class="empty">${a.findings.length ? `No ${this.severity} findings.` : `No findings in ${a.clusters} ${a.clusters === 1 ? 'cluster' : 'clusters'}: nothing the audit checks is weak.`}</td></tr>` : nothing}
        </tbody></table></div>
        <p class="muted table-note">${findings.length} of ${a.findings.length} findings shown.</p>` : nothing}
    </section>`;
  }

  alertsView() {
    if (!can('security.alerts:read')) return nothing;
    const rows = this.alerts ?? [];
    return html`<section class="sec-part sec-alerts" aria-labelledby="sec-alerts-h">
      <div class="part-head"><h2 id="sec-alerts-h">NOC alerts</h2><span class="muted">OSSEC/Wazuh and Asterisk, level 5 and above</span></div>
      ${this.alertsError ? html`<p class="alert error" role="alert">${this.alertsError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact alerts">
        <caption class="visually-hidden">Alerts for the NOC, newest first</caption>
        <thead><tr><th scope="col">Last seen</th><th scope="col" class="num">Level</th><th scope="col">Alert</th><th scope="col">From</th><th scope="col" class="num">Count</th></tr></thead>
        <tbody>${rows.map((a) => html`<tr data-rule=${a.ruleId}>
          <td class="nowrap">${formatDate(a.lastSeen)}</td>
          <td class="num"><span class="badge ${a.level >= 10 ? 'sev-critical' : a.level >= 7 ? 'sev-high' : 'sev-medium'}">${a.level}</span></td>
          <td class="alert-text">${a.description}${a.notified ? html` <span class="badge red" title="Sent to the notification targets">notified</span>` : nothing}
            <br><small>${a.source} <code>${a.ruleId}</code></small></td>
          <td>${a.srcIp ? html`<code>${a.srcIp}</code>` : html`<span class="muted">—</span>`}<br><small>${a.location}${a.agent ? ` (${a.agent})` : ''}</small></td>
          <td class="num">${num(a.count)}</td></tr>`)}
          ${this.alerts && !rows.length ? html`<tr><td colspan="5" class="empty">No alerts for the NOC.</td></tr>` : nothing}
        </tbody></table></div>
    </section>`;
  }

  sourcesView() {
    if (!can('security.alerts:read')) return nothing;
    const rows = [...(this.sources?.sources ?? [])].sort((a, b) => b.failures - a.failures || String(b.lastSeen).localeCompare(String(a.lastSeen)));
    const totals = Object.entries(this.sources?.totals ?? {});
    return html`<section class="sec-part sec-sources" aria-labelledby="sec-sources-h">
      <div class="part-head"><h2 id="sec-sources-h">Security events per source</h2><span class="muted">Asterisk AMI security class</span></div>
      ${this.sourcesError ? html`<p class="alert error" role="alert">${this.sourcesError}</p>` : nothing}
      ${totals.length ? html`<p class="event-totals">${totals.map(([k, v]) => html`<span class="chip">${k} <strong>${num(v)}</strong></span>`)}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact sources">
        <caption class="visually-hidden">Asterisk security events counted per source address</caption>
        <thead><tr><th scope="col">Address</th><th scope="col" class="num">Failures</th><th scope="col" class="num">Recent</th><th scope="col" class="num">OK</th><th scope="col">Services</th><th scope="col">Accounts tried</th><th scope="col">Last</th></tr></thead>
        <tbody>${rows.map((s) => html`<tr data-ip=${s.ip}>
          <td><code>${s.ip}</code></td><td class="num failures">${s.failures ? html`<strong class="text-red">${num(s.failures)}</strong>` : '0'}</td>
          <td class="num">${num(s.recentFailures)}</td><td class="num">${num(s.successes)}</td>
          <td>${(s.services ?? []).join(', ')}</td><td class="wrap">${(s.accounts ?? []).join(', ')}</td>
          <td class="nowrap">${s.lastEvent}<br><small>${formatDate(s.lastSeen)}</small></td></tr>`)}
          ${this.sources && !rows.length ? html`<tr><td colspan="7" class="empty">No security events yet.</td></tr>` : nothing}
        </tbody></table></div>
    </section>`;
  }

  /** @param {any} p a posture without raw */
  postureSummary(p) {
    if (!p) return html`<span class="muted">not checked yet</span>`;
    const bits = [];
    if (p.fail2ban) bits.push(`${p.fail2ban.jails.length} jails, ${p.fail2ban.banned} banned`);
    if (p.iptables) bits.push(`${p.iptables.chains.length} iptables chains`);
    if (p.nft) bits.push(`${p.nft.chains.length} nft chains`);
    if (p.blacklist) bits.push(`${p.blacklist.addresses.length} blacklisted`);
    return html`${bits.join(' · ') || html`<span class="muted">nothing readable</span>`}
      ${p.errors?.length ? html` <span class="badge orange" title=${p.errors.join('\n')}>${p.errors.length} ${p.errors.length === 1 ? 'problem' : 'problems'}</span>` : nothing}`;
  }

  postureView() {
    if (!can('security.posture:read')) return nothing;
    const servers = /** @type {any[]} */ (this.servers ?? []);
    return html`<section class="sec-part sec-posture" aria-labelledby="sec-posture-h">
      <div class="part-head"><h2 id="sec-posture-h">Server posture</h2><span class="muted">fail2ban, firewall and BLACKLIST over SSH</span></div>
      ${this.statusError ? html`<p class="alert error" role="alert">${this.statusError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact posture-servers">
        <caption class="visually-hidden">Servers and their security posture</caption>
        <thead><tr><th scope="col">Server</th><th scope="col" class="num">Alerts</th><th scope="col">Posture</th><th scope="col">Checked</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${servers.map((s) => html`<tr data-server=${s.server} class=${this.selected === s.serverId ? 'selected' : ''}>
          <td><strong>${s.server}</strong></td><td class="num">${num(s.alerts)}</td><td>${this.postureSummary(s.posture)}</td>
          <td class="nowrap">${s.posture ? formatDate(s.posture.collectedAt) : ''}</td>
          <td class="actions"><button type="button" class="small" aria-label="Open posture of ${s.server}" aria-expanded=${this.selected === s.serverId ? 'true' : 'false'}
            @click=${() => void this.openPosture(s.serverId, !s.posture)}>Open</button></td></tr>`)}
          ${this.servers && !servers.length ? html`<tr><td colspan="5" class="empty">No servers.</td></tr>` : nothing}
        </tbody></table></div>
      ${this.selected !== null ? this.postureDetail() : nothing}
    </section>`;
  }

  postureDetail() {
    const p = this.posture;
    const write = can('security.blacklist:write');
    return html`<div class="posture-detail" aria-live="polite" aria-busy=${this.postureBusy ? 'true' : 'false'}>
      <div class="part-head"><h3>${p?.server ?? 'Server'}</h3>
        ${p ? html`<span class="muted">checked ${formatDate(p.collectedAt)}</span>` : nothing}
        <button type="button" class="small" ?disabled=${this.postureBusy} @click=${() => this.selected !== null && void this.openPosture(this.selected, true)}>${this.postureBusy ? 'Checking…' : 'Check now'}</button>
        <button type="button" class="small" aria-expanded=${this.raw ? 'true' : 'false'} aria-controls="posture-raw" ?disabled=${!p || this.rawBusy} @click=${() => void this.showRaw()}>${this.raw ? 'Hide raw output' : 'Raw output'}</button>
        <button type="button" class="small" @click=${() => { this.selected = null; this.posture = null; this.raw = null; }}>Close</button>
      </div>
      ${this.postureError ? html`<p class="alert error" role="alert">${this.postureError}</p>` : nothing}
      ${!p && this.postureBusy ? html`<p class="loading">Asking the server…</p>` : nothing}
      ${p?.errors?.length ? html`<ul class="posture-errors" aria-label="What could not be read">${p.errors.map((/** @type {string} */ e) => html`<li>${e}</li>`)}</ul>` : nothing}
      ${p ? html`
        <h4>fail2ban ${p.fail2ban ? html`<span class="badge ${p.fail2ban.banned ? 'orange' : 'green'}">${p.fail2ban.banned} banned</span>` : nothing}</h4>
        ${p.fail2ban ? html`<div class="table-wrap"><table class="grid compact jails"><caption class="visually-hidden">fail2ban jails</caption>
          <thead><tr><th scope="col">Jail</th><th scope="col" class="num">Failed now</th><th scope="col" class="num">Failed total</th><th scope="col" class="num">Banned now</th><th scope="col" class="num">Banned total</th><th scope="col">Banned addresses</th></tr></thead>
          <tbody>${p.fail2ban.jails.map((/** @type {any} */ j) => html`<tr data-jail=${j.name}><td>${j.name}</td><td class="num">${num(j.currentlyFailed)}</td><td class="num">${num(j.totalFailed)}</td>
            <td class="num">${num(j.currentlyBanned)}</td><td class="num">${num(j.totalBanned)}</td><td class="wrap banned">${j.bannedIps.map((/** @type {string} */ ip) => html`<code>${ip}</code> `)}</td></tr>`)}
            ${!p.fail2ban.jails.length ? html`<tr><td colspan="6" class="empty">No jails.</td></tr>` : nothing}</tbody></table></div>`
          : html`<p class="muted">fail2ban was not readable on this server.</p>`}
        <h4>Blacklist ${p.blacklist ? html`<code>${p.blacklist.chain}</code>` : nothing}</h4>
        ${p.blacklist ? html`<div class="table-wrap"><table class="grid compact blacklist"><caption class="visually-hidden">Blacklisted addresses</caption>
          <thead><tr><th scope="col">Address</th><th scope="col" class="num">Packets</th><th scope="col" class="num">Bytes</th>${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>${p.blacklist.addresses.map((/** @type {any} */ b) => html`<tr data-address=${b.address}><td><code>${b.address}</code></td><td class="num">${num(b.packets)}</td><td class="num">${num(b.bytes)}</td>
            ${write ? html`<td class="actions"><button type="button" class="small danger" ?disabled=${this.blBusy} aria-label="Remove ${b.address}" @click=${() => void this.blacklist('remove', b.address)}>Remove</button></td>` : nothing}</tr>`)}
            ${!p.blacklist.addresses.length ? html`<tr><td colspan=${write ? 4 : 3} class="empty">Nothing blacklisted.</td></tr>` : nothing}</tbody></table></div>`
          : html`<p class="muted">The firewall was not readable, so the blacklist is unknown.</p>`}
        ${write ? html`<form class="blacklist-form" novalidate @submit=${this.onBlacklistSubmit}>
          <label for="bl-address">Block an address</label>
          <input id="bl-address" name="address" autocomplete="off" inputmode="text" placeholder="203.0.113.7 or 198.51.100.0/24" aria-invalid=${this.blError ? 'true' : 'false'} aria-describedby="bl-error">
          <button type="submit" class="primary" ?disabled=${this.blBusy}>${this.blBusy ? 'Working…' : 'Block'}</button>
          <p id="bl-error" class="field-error" role="alert">${this.blError}</p>
        </form>` : nothing}
        <h4>Firewall</h4>
        ${this.chainsView('iptables', p.iptables?.chains)}
        ${p.nft ? this.chainsView('nftables', p.nft.chains) : nothing}
        ${!p.iptables && !p.nft ? html`<p class="muted">Neither iptables nor nftables was readable.</p>` : nothing}
      ` : nothing}
      ${this.raw ? html`<div id="posture-raw" class="posture-raw">${Object.keys(this.raw).length
        ? Object.entries(this.raw).map(([k, v]) => html`<h4><code>${k}</code></h4><pre class="raw-output" tabindex="0" aria-label="Raw output: ${k}">${v}</pre>`)
        : html`<p class="muted">The server returned no output.</p>`}</div>` : nothing}
    </div>`;
  }

  /** @param {string} kind @param {any[] | undefined} chains */
  chainsView(kind, chains) {
    if (!chains) return nothing;
    return html`<div class="chains" data-kind=${kind}>${chains.map((c) => html`<details class="chain" data-chain=${c.name} ?open=${c.rules.length > 0 && c.rules.length <= 12}>
      <summary><code>${kind === 'nftables' ? `${c.table} ` : ''}${c.name}</code>${c.policy ? html` <span class="badge ${c.policy === 'DROP' ? 'green' : 'grey'}">policy ${c.policy}</span>` : nothing}
        <span class="muted">${c.rules.length} ${c.rules.length === 1 ? 'rule' : 'rules'}${c.packets !== null && c.packets !== undefined ? `, ${num(c.packets)} packets` : ''}</span></summary>
      ${c.rules.length ? html`<div class="table-wrap"><table class="grid compact rules"><caption class="visually-hidden">Rules of ${c.name}</caption>
        <thead><tr><th scope="col" class="num">Packets</th><th scope="col" class="num">Bytes</th><th scope="col">Target</th><th scope="col">Proto</th><th scope="col">Source</th><th scope="col">Destination</th><th scope="col">Match</th></tr></thead>
        <tbody>${c.rules.map((/** @type {any} */ r) => html`<tr><td class="num">${num(r.packets)}</td><td class="num">${num(r.bytes)}</td><td>${r.target}</td><td>${r.protocol}</td>
          <td><code>${r.source}</code></td><td><code>${r.destination}</code></td><td class="wrap"><code>${r.extra}</code></td></tr>`)}</tbody></table></div>` : nothing}
    </details>`)}</div>`;
  }

  authView() {
    if (!can('core.audit:read')) return nothing;
    const rows = (this.auth ?? []).filter((r) => !this.authFailuresOnly || r.action !== 'auth.login');
    const failed = (this.auth ?? []).filter((r) => r.action === 'auth.login.failed').length;
    const locked = (this.auth ?? []).filter((r) => r.action === 'auth.login.locked').length;
    return html`<section class="sec-part sec-auth" aria-labelledby="sec-auth-h">
      <div class="part-head"><h2 id="sec-auth-h">Sign-in trail</h2>
        <span class="muted">${failed} failed, ${locked} lockouts in the last ${(this.auth ?? []).length} sign-ins</span>
        <label class="check"><input type="checkbox" .checked=${this.authFailuresOnly} @change=${(/** @type {Event} */ e) => { this.authFailuresOnly = /** @type {HTMLInputElement} */ (e.target).checked; }}> Failures only</label>
      </div>
      ${this.authError ? html`<p class="alert error" role="alert">${this.authError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact auth-trail">
        <caption class="visually-hidden">Web sign-ins, failed sign-ins and lockouts, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">User</th><th scope="col">From</th></tr></thead>
        <tbody>${rows.map((r) => { const a = AUTH_ACTIONS[r.action] ?? { text: r.action, colour: 'grey' }; return html`<tr data-action=${r.action}>
          <td class="nowrap">${formatDate(r.at)}</td><td><span class="badge ${a.colour}">${a.text}</span></td>
          <td>${r.username ?? r.targetId ?? ''}</td><td><code>${r.ip ?? ''}</code></td></tr>`; })}
          ${this.auth && !rows.length ? html`<tr><td colspan="4" class="empty">No sign-ins recorded.</td></tr>` : nothing}
        </tbody></table></div>
    </section>`;
  }

  render() {
    return html`<header class="page-head"><h1>Security</h1>
        <p class="summary-line" aria-live="polite">${this.updatedAt ? html`<span class="muted">updated ${this.updatedAt.toLocaleTimeString()}</span>` : nothing}</p>
        <button type="button" class="refresh" @click=${() => void this.load()}>Refresh</button></header>
      ${this.auditView()}
      ${this.alertsView()}
      <div class="sec-grid">${this.sourcesView()}${this.authView()}</div>
      ${this.postureView()}`;
  }
}
customElements.define('acm-security-page', AcmSecurityPage);
