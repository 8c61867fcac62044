// @ts-check
// The outbound dialer page (`#/dialer`): campaigns in the shared table, a campaign's form
// generated from the API's DialerCampaignInput, and the live view of the campaign picked —
// start, pause, stop, progress pushed over /api/events, lead import from a CSV file with the
// skipped rows and their reasons, the per-lead results as CSV.
// Light DOM with the shell's stylesheet; no inline styles or scripts (CSP).
import { LitElement, html, nothing } from 'lit';
import { api, can, confirmDialog, onPluginEvent, toast } from 'acm/sdk.js';

const API = '/api/plugins/dialer';
const errText = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));

/** @type {import('acm/sdk.js').Section[]} */
const SECTIONS = [
  { title: 'Campaign', fields: ['clusterId', 'name', 'mode', 'queueId', 'trunkId', 'callerId', 'defaultCountry'] },
  { title: 'Pacing and compliance', fields: ['maxConcurrent', 'abandonTarget', 'abandonCap', 'abandonMessage'] },
  { title: 'Audio', fields: ['greeting', 'message', 'voicemailDrop', 'transferDigit'] },
];
/** @type {Record<string, import('acm/sdk.js').FieldHint>} */
const HINTS = {
  queueId: { label: 'Queue id' }, trunkId: { label: 'Trunk id' }, callerId: { label: 'Caller ID' },
  defaultCountry: { label: 'Country of national numbers' }, maxConcurrent: { label: 'Max concurrent calls' },
  abandonTarget: { label: 'Abandon target %' }, abandonCap: { label: 'Abandon cap %' },
  abandonMessage: { label: 'Abandon message (who called, a number to call back)' }, transferDigit: { label: 'Press to transfer' },
};
const STATE_BADGE = /** @type {Record<string, string>} */ ({
  running: 'green', paused: 'orange', 'no-agents': 'orange', 'trunk-down': 'red', stopped: 'grey', done: 'grey', idle: 'grey',
});

/** `<acm-dialer-page>`: the campaigns, a campaign's form, or the list plus one campaign live. */
export class AcmDialerPage extends LitElement {
  static properties = { mode: { state: true }, editId: { state: true }, selected: { state: true }, progress: { state: true }, imported: { state: true } };

  constructor() {
    super();
    /** @type {'list' | 'new' | 'edit'} */
    this.mode = 'list';
    this.editId = 0;
    /** @type {any} the campaign whose live view is shown */
    this.selected = null;
    /** @type {any} its live figures */
    this.progress = null;
    /** @type {any} the last import's report */
    this.imported = null;
    /** @type {(() => void) | undefined} */
    this.unsubscribe = undefined;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    // Pushed by the server (`dialer.progress`), no polling; after a reconnect (`data` null) read again.
    this.unsubscribe = onPluginEvent('dialer', 'progress', (data) => {
      if (!this.selected) return;
      if (data === null) void this.load();
      else if (data.campaignId === this.selected.id) this.progress = data;
    });
  }

  disconnectedCallback() {
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  async load() {
    if (!this.selected) return;
    try { this.progress = await api('GET', `${API}/campaigns/${this.selected.id}/status`); } catch (err) { toast(errText(err), 'error'); }
  }

  /** @param {CustomEvent} e */
  onAction(e) {
    const { action, row } = e.detail;
    if (action === 'add') { this.mode = 'new'; this.editId = 0; } else if (action === 'edit') { this.mode = 'edit'; this.editId = row.id; } else if (action === 'view') {
      this.selected = row;
      this.imported = null;
      void this.load();
    }
  }

  /** @param {'start' | 'pause' | 'stop'} action */
  async act(action) {
    const c = this.selected;
    if (action === 'stop' && !(await confirmDialog(`Stop campaign ${c.name}? Ringing calls are hung up.`, 'Stop'))) return;
    try { this.progress = await api('POST', `${API}/campaigns/${c.id}/${action}`, {}); } catch (err) { toast(`Could not ${action} ${c.name}: ${errText(err)}`, 'error'); }
  }

  /** @param {Event} e */
  async importFile(e) {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    if (!file) return;
    try {
      this.imported = await api('POST', `${API}/campaigns/${this.selected.id}/leads`, { csv: await file.text() });
      toast(`Imported ${this.imported.imported} leads, skipped ${this.imported.skipped.length}`, 'success');
      await this.load();
    } catch (err) { toast(`Import refused: ${errText(err)}`, 'error'); }
    input.value = '';
  }

  /** @returns {import('acm/sdk.js').Column[]} */
  get columns() {
    return [
      { key: 'name', label: 'Campaign' },
      { key: 'mode', label: 'Mode' },
      { key: 'state', label: 'State', format: (r) => html`<span class="badge ${STATE_BADGE[r.state] ?? 'grey'}">${r.state}</span>`, csv: (r) => r.state },
      { key: 'stateReason', label: 'Why', sortable: false },
      { key: 'maxConcurrent', label: 'Max calls', hidden: true },
      { key: 'abandonTarget', label: 'Abandon target %', hidden: true },
    ];
  }

  render() {
    if (this.mode !== 'list') {
      const back = () => { this.mode = 'list'; };
      return html`<header class="page-head"><h1>${this.mode === 'new' ? 'New campaign' : 'Change campaign'}</h1></header>
        <acm-object-form resource="dialer-campaigns" path="${API}/campaigns" schema-name="DialerCampaignInput"
          permission="dialer.campaign" .mode=${this.mode} .itemId=${this.editId} .sections=${SECTIONS} .hints=${HINTS}
          @acm-saved=${back} @acm-cancel=${back}></acm-object-form>`;
    }
    const actions = can('dialer.campaign:write') ? ['add', 'view', 'edit', 'delete'] : ['view'];
    return html`<header class="page-head"><h1>Outbound dialer</h1>
        <p class="summary-line">Pick a campaign to run it and follow its progress.</p></header>
      <acm-table path="${API}/campaigns" caption="Campaigns" storage-key="dialer-campaigns" .columns=${this.columns}
        .actions=${actions} .rowLabel=${(/** @type {any} */ r) => `campaign ${r.name}`} @acm-action=${this.onAction}></acm-table>
      ${this.selected ? this.renderLive() : nothing}`;
  }

  renderLive() {
    const c = this.selected;
    const p = this.progress;
    const write = can('dialer.campaign:write');
    const figures = p ? [
      ['Dialled', p.dialled], ['Answered', p.answered], ['To agents', p.connected], ['Abandoned', `${p.abandoned} (${p.abandonPercent ?? '–'} %)`],
      ['In flight', p.inFlight], ['Agents busy / free', `${p.agentsBusy} / ${p.agentsFree}`], ['Leads left', p.leadsLeft], ['ETA', p.etaSeconds === null ? '–' : `${Math.ceil(p.etaSeconds / 60)} min`],
    ] : [];
    return html`<section class="sec-part dialer-live" aria-labelledby="dialer-live-h">
      <div class="part-head"><h2 id="dialer-live-h">Campaign ${c.name}</h2>
        ${p ? html`<span class="badge ${STATE_BADGE[p.state] ?? 'grey'}">${p.state}</span>` : nothing}
        ${write ? html`<button type="button" class="small" @click=${() => void this.act('start')}>Start</button>
          <button type="button" class="small" @click=${() => void this.act('pause')}>Pause</button>
          <button type="button" class="small danger" @click=${() => void this.act('stop')}>Stop</button>` : nothing}
        <a class="button small" href="${API}/campaigns/${c.id}/results.csv" download>Results (CSV)</a>
        <button type="button" class="small" @click=${() => { this.selected = null; }}>Close</button></div>
      ${p?.stateReason ? html`<p class="alert warning" role="status">${p.stateReason}</p>` : nothing}
      <dl class="figures">${figures.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
      ${write ? html`<label>Import leads (CSV: number, name, timezone, your own columns)
        <input type="file" accept=".csv,text/csv" @change=${(/** @type {Event} */ e) => void this.importFile(e)}></label>` : nothing}
      ${this.imported?.skipped.length ? html`<div class="table-wrap"><table class="grid compact"><caption>Rows skipped by the import</caption>
        <thead><tr><th scope="col">Line</th><th scope="col">Number</th><th scope="col">Reason</th></tr></thead>
        <tbody>${this.imported.skipped.map((/** @type {any} */ s) => html`<tr><td>${s.line}</td><td>${s.number ?? ''}</td><td>${s.reason}</td></tr>`)}</tbody></table></div>` : nothing}
    </section>`;
  }
}

if (!customElements.get('acm-dialer-page')) customElements.define('acm-dialer-page', AcmDialerPage);
