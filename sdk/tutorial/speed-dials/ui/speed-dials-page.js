// @ts-check
// The speed dials page (`#/speed-dials`): the shared table and form of acm/sdk.js, nothing of its own.
import { LitElement, html } from 'lit';
import { can } from 'acm/sdk.js';

const PATH = '/api/plugins/speed-dials/dials';
/** @type {import('acm/sdk.js').Column[]} */
const COLUMNS = [{ key: 'code', label: 'Code' }, { key: 'number', label: 'Number' }, { key: 'label', label: 'Label' }];

export class AcmSpeedDialsPage extends LitElement {
  static properties = { mode: { state: true }, itemId: { state: true } };
  constructor() {
    super();
    /** @type {'list' | 'new' | 'view' | 'edit' | 'copy'} */
    this.mode = 'list';
    this.itemId = 0;
  }
  createRenderRoot() { return this; } // light DOM: the shell's stylesheet applies

  render() {
    const back = () => { this.mode = 'list'; };
    if (this.mode !== 'list') {
      return html`<header class="page-head"><h1>Speed dial</h1></header>
        <acm-object-form path=${PATH} schema-name="SpeedDialsDialInput" permission="speed-dials.dial"
          .mode=${this.mode} .itemId=${this.itemId} @acm-saved=${back} @acm-cancel=${back}></acm-object-form>`;
    }
    // add | view | edit | copy open the form; the table deletes by itself.
    const open = (/** @type {CustomEvent} */ e) => { this.mode = e.detail.action === 'add' ? 'new' : e.detail.action; this.itemId = e.detail.row?.id ?? 0; };
    return html`<header class="page-head"><h1>Speed dials</h1></header>
      <acm-table path=${PATH} caption="Speed dials" storage-key="speed-dials" .columns=${COLUMNS}
        .actions=${can('speed-dials.dial:write') ? ['add', 'edit', 'copy', 'delete'] : ['view']}
        .rowLabel=${(/** @type {any} */ r) => `speed dial ${r.code}`} @acm-action=${open}></acm-table>`;
  }
}
customElements.define('acm-speed-dials-page', AcmSpeedDialsPage);
