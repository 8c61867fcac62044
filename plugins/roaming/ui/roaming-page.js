// @ts-check
// The roaming page (`#/roaming/<tab>`): the roaming report (seed §3.0.6: numbers on several
// clusters or sites, duplicate voicemail and name mismatches highlighted), the links with their
// IAX2/DUNDi state (live), roaming extensions and standard numbers (the SDK kit's resource pages)
// and the keys with rotate/activate. Every change waits for a commit, as everywhere in acm.
import { html, nothing } from 'lit';
import { AcmResourcePage, api, can, clusterName, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

const API = '/api/plugins/roaming';
/** A cluster's name by id (the kit's clusterName reads a row). @param {number} id */
const cname = (id) => clusterName({ clusterId: id });

/** @type {Record<string, import('acm/sdk.js').ResourceDef>} */
const RESOURCES = {
  links: {
    name: 'links', path: `${API}/links`, route: 'roaming/links', title: 'Inter-site links', singular: 'link', schema: 'RoamingLinkInput',
    permission: 'roaming.link', rowLabel: (r) => `link ${cname(r.clusterId)} – ${cname(r.peerClusterId)}`,
    columns: [{ key: 'clusterId', label: 'Cluster', format: (r) => cname(r.clusterId) }, { key: 'peerClusterId', label: 'Linked to', format: (r) => cname(r.peerClusterId) }],
  },
  roamers: {
    name: 'roamers', path: `${API}/roamers`, route: 'roaming/roamers', title: 'Roaming extensions', singular: 'roaming extension', schema: 'RoamingRoamerInput',
    permission: 'roaming.roamer', rowLabel: (r) => `roaming extension ${r.extensionId}`,
    columns: [{ key: 'extensionId', label: 'Extension (id)' }, { key: 'createdAt', label: 'Since', format: (r) => formatDate(r.createdAt) }],
  },
  standard: {
    name: 'standard-numbers', path: `${API}/standard-numbers`, route: 'roaming/standard', title: 'Standard numbers', singular: 'standard number', schema: 'RoamingStandardInput',
    permission: 'roaming.standard', rowLabel: (r) => `standard number ${r.number}`,
    columns: [{ key: 'number', label: 'Number' }, { key: 'name', label: 'Name' },
      { key: 'clusterIds', label: 'Answered on, in order', sortable: false, format: (r) => r.clusterIds.map((/** @type {number} */ c) => cname(c)).join(' → ') }],
  },
};
const TABS = /** @type {const} */ ([['report', 'Report'], ['links', 'Links'], ['roamers', 'Roaming extensions'], ['standard', 'Standard numbers'], ['keys', 'Keys']]);
const FLAG = { 'duplicate-voicemail': 'duplicate voicemail', 'name-mismatch': 'name mismatch' };

/** `<acm-roaming-page>`. */
export class AcmRoamingPage extends AcmResourcePage {
  static properties = { ...AcmResourcePage.properties, tab: { state: true }, rows: { state: true }, links: { state: true }, keys: { state: true }, filter: { state: true } };

  constructor() {
    super();
    this.tab = 'report';
    /** @type {any[]} */
    this.rows = [];
    /** @type {any[]} */
    this.links = [];
    /** @type {any[]} */
    this.keys = [];
    /** @type {Record<string, string>} */
    this.filter = {};
    /** @type {(() => void) | undefined} */
    this.off = undefined;
  }

  connectedCallback() {
    super.connectedCallback();
    this.off = onPluginEvent('roaming', 'link', () => void this.loadLinks());
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.off?.();
  }

  /** The first part of the route picks the tab; a resource tab's kit takes the rest. @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (!changed.has('sub') && this.hasUpdated) return;
    const [first = '', ...rest] = this.sub.split('/');
    // '' is also what is left after the tab is taken off below: only the first route means the report.
    const tab = first || (this.hasUpdated ? '' : 'report');
    if (!TABS.some(([t]) => t === tab)) return;
    this.tab = tab;
    this.def = RESOURCES[tab] ?? null;
    this.sub = rest.join('/');
    if (tab === 'report') void this.loadReport();
    if (tab === 'links') void this.loadLinks();
    if (tab === 'keys') void this.loadKeys();
  }

  async loadReport() {
    const q = new URLSearchParams({ pageSize: '1000', ...Object.fromEntries(Object.entries(this.filter).filter(([, v]) => v)) });
    try { this.rows = (await api('GET', `${API}/report?${q}`)).items; } catch (err) { toast(/** @type {Error} */ (err).message, 'error'); }
  }

  async loadLinks() {
    try { this.links = (await api('GET', `${API}/link-status`)).items; } catch { this.links = []; }
  }

  async loadKeys() {
    try { this.keys = (await api('GET', `${API}/keys`)).items; } catch (err) { toast(/** @type {Error} */ (err).message, 'error'); }
  }

  /** @param {'rotate' | 'activate'} act @param {number} clusterId */
  async key(act, clusterId) {
    try {
      await api('POST', `${API}/keys/${clusterId}/${act}`);
      toast(act === 'rotate'
        ? `A new key for ${cname(clusterId)}: commit every linked cluster, then activate it.`
        : `${cname(clusterId)} signs with its new key after the next commit; the old one stays accepted until the next rotation.`);
      await this.loadKeys();
    } catch (err) { toast(/** @type {Error} */ (err).message, 'error'); }
  }

  /** @param {string} key @param {Event} e */
  setFilter(key, e) {
    this.filter = { ...this.filter, [key]: /** @type {HTMLInputElement} */ (e.target).value };
    void this.loadReport();
  }

  renderReport() {
    const clusters = [...new Set(this.rows.map((r) => r.clusterId))];
    return html`<header class="page-head"><h1>Roaming report</h1>
        <label class="inline">Search <input type="search" .value=${this.filter.q ?? ''} @change=${(/** @type {Event} */ e) => this.setFilter('q', e)}></label>
        <label class="inline">Only flagged <select @change=${(/** @type {Event} */ e) => this.setFilter('flagged', e)}>
          <option value="">no</option><option value="true">yes</option></select></label>
      </header>
      <p>Every number present on more than one cluster or site, ${clusters.length} cluster(s) shown. A number should have one mailbox, on its home cluster, and one name.</p>
      <table class="data" aria-label="Roaming report"><thead><tr>
        <th>Number</th><th>Name</th><th>Group</th><th>Cluster</th><th>Site</th><th>Roaming</th><th>Voicemail</th><th>Flags</th></tr></thead>
        <tbody>${this.rows.map((r) => html`<tr class=${r.flags.length ? 'flagged' : ''}>
          <td>${r.number}</td><td class=${r.flags.includes('name-mismatch') ? 'warn' : ''}>${r.name}</td><td>${r.group ?? ''}</td>
          <td>${r.cluster}</td><td>${r.site}</td><td>${r.roaming ? 'yes' : r.standard ? 'standard number' : 'no'}</td>
          <td class=${r.flags.includes('duplicate-voicemail') ? 'warn' : ''}>${r.mailbox ?? ''}</td>
          <td>${r.flags.map((/** @type {keyof typeof FLAG} */ f) => html`<span class="badge warn">${FLAG[f]}</span> `)}</td></tr>`)}</tbody></table>
      ${this.rows.length ? nothing : html`<p>No number is on more than one cluster or site.</p>`}`;
  }

  renderKeys() {
    const write = can('roaming.key:write');
    return html`<header class="page-head"><h1>Keys</h1></header>
      <p>Each linked cluster signs with its active key; a rotation first puts the new key on every peer (commit), then switches to it (activate, commit).</p>
      <table class="data" aria-label="Keys"><thead><tr><th>Cluster</th><th>Key</th><th>State</th><th>Fingerprint (keys show Sum)</th><th>Age</th><th></th></tr></thead>
        <tbody>${this.keys.map((k) => html`<tr><td>${cname(k.clusterId)}</td><td>${k.id}</td><td>${k.state}</td><td><code>${k.fingerprint}</code></td><td>${k.ageDays} day(s)</td>
          <td>${write && k.state === 'active' && !this.keys.some((x) => x.clusterId === k.clusterId && x.state === 'next') ? html`<button @click=${() => this.key('rotate', k.clusterId)}>Rotate</button>` : nothing}
            ${write && k.state === 'next' ? html`<button @click=${() => this.key('activate', k.clusterId)}>Activate</button>` : nothing}</td></tr>`)}</tbody></table>`;
  }

  renderLinkStatus() {
    if (this.sub || !this.links.length) return nothing;
    return html`<table class="data" aria-label="Link status"><thead><tr><th>Server</th><th>Linked cluster</th><th>IAX2</th><th>DUNDi</th></tr></thead>
      <tbody>${this.links.map((l) => html`<tr><td>${l.server}</td><td>${cname(l.peerClusterId)}</td>
        <td class=${l.iax === 'OK' ? '' : 'warn'}>${l.iax}${l.iaxMs === null ? '' : ` (${l.iaxMs} ms)`}</td><td class=${l.dundi === 'OK' ? '' : 'warn'}>${l.dundi}</td></tr>`)}</tbody></table>`;
  }

  render() {
    const nav = html`<nav class="subnav" aria-label="Roaming">
      ${TABS.map(([t, title]) => html`<a href="#/roaming/${t}" aria-current=${t === this.tab ? 'page' : 'false'}>${title}</a>`)}</nav>`;
    if (this.tab === 'report') return html`${nav}${this.renderReport()}`;
    if (this.tab === 'keys') return html`${nav}${this.renderKeys()}`;
    return html`${nav}${super.render()}${this.tab === 'links' ? this.renderLinkStatus() : nothing}`;
  }
}

if (!customElements.get('acm-roaming-page')) customElements.define('acm-roaming-page', AcmRoamingPage);
