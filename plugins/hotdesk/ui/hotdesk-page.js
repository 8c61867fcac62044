// @ts-check
// The hot-desk page (`#/hotdesk`): the phones (the shared table and form), and the two status
// tables of who is where, live over the WebSocket (the plugin's `sessions` events).
import { LitElement, html } from 'lit';
import { api, can, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

const P = '/api/plugins/hotdesk';
/** @type {import('acm/sdk.js').Column[]} */
const PHONE_COLUMNS = [{ key: 'desk', label: 'Desk' }, { key: 'extensionId', label: 'Extension id' }, { key: 'emergencyCallerId', label: 'Emergency caller ID' }];

export class AcmHotdeskPage extends LitElement {
  static properties = { mode: { state: true }, itemId: { state: true }, phones: { state: true }, users: { state: true }, error: { state: true } };
  constructor() {
    super();
    /** @type {'list' | 'new' | 'view' | 'edit' | 'copy'} */
    this.mode = 'list';
    this.itemId = 0;
    /** @type {any[]} */
    this.phones = [];
    /** @type {any[]} */
    this.users = [];
    this.error = '';
    /** @type {() => void} */
    this.off = () => {};
  }
  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    this.off = onPluginEvent('hotdesk', 'sessions', () => { void this.load(); });
    void this.load();
  }
  disconnectedCallback() { super.disconnectedCallback(); this.off(); }

  async load() {
    try {
      this.phones = (await api('GET', `${P}/status/phones`)).items;
      this.users = can('hotdesk.session:read') ? (await api('GET', `${P}/status/users`)).items : [];
      this.error = '';
    } catch (e) { this.error = String(/** @type {Error} */ (e).message); }
  }

  /** @param {any} phone */
  async logoutAt(phone) {
    try {
      await api('POST', `${P}/logout`, { clusterId: phone.clusterId, phone: phone.extension });
      toast(`logged out of ${phone.extension}`, 'success');
    } catch (e) { toast(String(/** @type {Error} */ (e).message), 'error'); }
    void this.load();
  }

  render() {
    const back = () => { this.mode = 'list'; void this.load(); };
    if (this.mode !== 'list') {
      return html`<header class="page-head"><h1>Hot-desk phone</h1></header>
        <acm-object-form path=${`${P}/phones`} schema-name="HotdeskPhoneInput" permission="hotdesk.phone"
          .mode=${this.mode} .itemId=${this.itemId} @acm-saved=${back} @acm-cancel=${back}></acm-object-form>`;
    }
    const open = (/** @type {CustomEvent} */ e) => { this.mode = e.detail.action === 'add' ? 'new' : e.detail.action; this.itemId = e.detail.row?.id ?? 0; };
    const write = can('hotdesk.session:write');
    return html`<header class="page-head"><h1>Hot desk</h1></header>
      ${this.error ? html`<p class="alert error">${this.error}</p>` : ''}
      <section class="sec-part"><h2 class="part-head">Hot-desk phones</h2>
        <div class="table-wrap"><table class="grid compact"><caption class="visually-hidden">Hot-desk phones</caption>
          <thead><tr><th scope="col">Extension</th><th scope="col">Name</th><th scope="col">Cluster</th><th scope="col">Desk</th><th scope="col">Registered</th><th scope="col">In use by</th>${write ? html`<th scope="col" class="actions">Actions</th>` : ''}</tr></thead>
          <tbody>${this.phones.length ? this.phones.map((p) => html`<tr><td>${p.extension}</td><td>${p.name}</td><td>${p.cluster}</td><td>${p.desk}</td>
            <td><span class="badge ${p.registered ? 'green' : 'grey'}">${p.registered ? 'available' : 'offline'}</span></td>
            <td>${p.inUseBy ? `${p.inUseBy.extension} ${p.inUseBy.name} since ${formatDate(p.inUseBy.since)}` : 'free'}</td>
            ${write ? html`<td class="actions">${p.inUseBy ? html`<button class="small" aria-label=${`Log out of ${p.extension}`} @click=${() => this.logoutAt(p)}>Log out</button>` : ''}</td>` : ''}</tr>`)
            : html`<tr><td class="empty" colspan="7">no hot-desk phones</td></tr>`}</tbody></table></div></section>
      <section class="sec-part"><h2 class="part-head">Hot-desk users</h2>
        <div class="table-wrap"><table class="grid compact"><caption class="visually-hidden">Hot-desk users</caption>
          <thead><tr><th scope="col">User extension</th><th scope="col">Hot-desk phone</th><th scope="col">CID name</th><th scope="col">CID number</th><th scope="col">Group</th><th scope="col">Account code</th><th scope="col">Cluster</th></tr></thead>
          <tbody>${this.users.filter((u) => u.phone).map((u) => html`<tr><td>${u.extension}</td><td>${u.phone}</td><td>${u.callerIdName}</td><td>${u.callerIdNumber}</td><td>${u.group ?? ''}</td><td>${u.accountCode ?? ''}</td><td>${u.cluster}</td></tr>`)}
          </tbody></table></div></section>
      <section class="sec-part"><h2 class="part-head">Configuration</h2>
        <acm-table path=${`${P}/phones`} caption="Hot-desk phones (configuration)" storage-key="hotdesk-phones" .columns=${PHONE_COLUMNS}
          .actions=${can('hotdesk.phone:write') ? ['add', 'edit', 'delete'] : ['view']}
          .rowLabel=${(/** @type {any} */ r) => `hot-desk phone at ${r.desk}`} @acm-action=${open}></acm-table></section>`;
  }
}
customElements.define('acm-hotdesk-page', AcmHotdeskPage);
