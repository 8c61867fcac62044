// @ts-check
// The page of one resource (list + add/view/change/copy), the core's objects and plugins' alike.
import { LitElement, html, nothing } from 'lit';
import { can } from './api.js';
import { refOptions } from './form.js';
import './table.js';

/** Id → name of the clusters, groups and sites, for list columns. */
const names = { clusters: new Map(), groups: new Map(), sites: new Map() };
export async function loadNames() {
  const [c, g, s] = await Promise.all([refOptions('clusterId'), refOptions('groupId'), refOptions('siteId')]);
  names.clusters = new Map(c.map((o) => [o.value, o.label]));
  names.groups = new Map(g.map((o) => [o.value, o.label]));
  names.sites = new Map(s.map((o) => [o.value, o.label]));
}
export const clusterName = (/** @type {any} */ r) => names.clusters.get(r.clusterId) ?? r.clusterId;
export const groupName = (/** @type {any} */ r) => (r.groupId ? names.groups.get(r.groupId) ?? r.groupId : '');
export const siteName = (/** @type {any} */ r) => names.sites.get(r.siteId) ?? r.siteId;

/**
 * @typedef {object} ResourceDef
 * @property {string} name        API path segment (core objects) and storage key
 * @property {string} [path]      the collection's URL (default `/api/<name>`; a plugin's: `/api/plugins/<id>/<name>`)
 * @property {string} [route]     the page's hash route without `#/` (default `<name>`; a plugin's: its manifest `ui[].path`)
 * @property {string} title
 * @property {string} singular
 * @property {string} schema      component schema in /api/openapi.json (`<Plugin><Singular>Input` for a plugin's)
 * @property {string} permission  core.<x> or <plugin>.<x>
 * @property {import('./table.js').Column[]} columns
 * @property {(r: any) => string} [rowLabel]
 * @property {import('./form.js').Section[]} [sections]
 * @property {boolean} [clusterFilter]
 */

/**
 * `<acm-resource-page>`: list (acm-table) and Add/View/Change/Copy (acm-object-form) of one
 * resource, a core object or a plugin's (sdk/resources.ts); the route after `#/<route>/` picks
 * which: '', 'new', '<id>', '<id>/edit', '<id>/copy'.
 */
export class AcmResourcePage extends LitElement {
  static properties = { def: { attribute: false }, sub: { type: String }, cluster: { state: true }, ready: { state: true } };
  constructor() {
    super();
    /** @type {ResourceDef | null} */
    this.def = null;
    this.sub = '';
    this.cluster = '';
    this.query = {};
    this.ready = false;
  }
  createRenderRoot() { return this; }
  connectedCallback() {
    super.connectedCallback();
    void loadNames().then(() => { this.ready = true; });
  }
  /** @param {string} to */
  nav(to) { location.hash = `#/${this.route}${to ? `/${to}` : ''}`; }

  get route() { return (this.def?.route ?? this.def?.name ?? '').replace(/^\//, ''); }
  get path() { return this.def?.path ?? `/api/${this.def?.name}`; }

  /** @param {CustomEvent} e */
  onAction(e) {
    const { action, row } = e.detail;
    if (action === 'add') this.nav('new');
    else if (action === 'view') this.nav(String(row.id));
    else if (action === 'edit') this.nav(`${row.id}/edit`);
    else if (action === 'copy') this.nav(`${row.id}/copy`);
  }

  render() {
    const def = this.def;
    if (!def) return nothing;
    const m = /^(new|(\d+)(?:\/(edit|copy))?)$/.exec(this.sub);
    if (m) {
      const mode = m[1] === 'new' ? 'new' : m[3] ?? 'view';
      const id = m[2] ? Number(m[2]) : 0;
      const title = mode === 'new' ? `Add ${def.singular}` : mode === 'copy' ? `Copy ${def.singular}` : mode === 'edit' ? `Change ${def.singular}` : `View ${def.singular}`;
      return html`<header class="page-head"><h1>${title}</h1>
          <a class="back" href="#/${this.route}">← ${def.title}</a></header>
        <acm-object-form .resource=${def.name} .path=${this.path} .schemaName=${def.schema} .permission=${def.permission} .mode=${mode} .itemId=${id}
          .sections=${def.sections ?? null} .defaults=${this.cluster ? { clusterId: Number(this.cluster) } : {}}
          @acm-saved=${() => this.nav('')} @acm-cancel=${() => this.nav('')} @acm-edit=${() => this.nav(`${id}/edit`)}></acm-object-form>`;
    }
    const write = can(`${def.permission}:write`);
    const actions = write ? ['add', 'view', 'edit', 'copy', 'delete'] : ['view'];
    return html`<header class="page-head"><h1>${def.title}</h1>
        ${def.clusterFilter ? html`<label class="inline">Cluster
          <select @change=${(/** @type {Event} */ e) => { this.cluster = /** @type {HTMLSelectElement} */ (e.target).value; this.query = this.cluster ? { clusterId: this.cluster } : {}; }}>
            <option value="">All</option>
            ${[...names.clusters].map(([id, n]) => html`<option value=${id} ?selected=${String(id) === this.cluster}>${n}</option>`)}
          </select></label>` : nothing}
      </header>
      <acm-table .path=${this.path} caption=${def.title} storage-key=${def.name} .columns=${[...def.columns]} .query=${this.query}
        .actions=${actions} .rowLabel=${def.rowLabel ?? ((/** @type {any} */ r) => r.name)} @acm-action=${this.onAction}></acm-table>`;
  }
}
customElements.define('acm-resource-page', AcmResourcePage);
