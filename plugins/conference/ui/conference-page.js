// @ts-check
// The conference manager page (`#/conference`): the rooms in the shared table, booking and
// changing a room with the shared form (generated from the API's RoomInput), and the live view of
// the room picked in the table — who is in it, mute and kick, its recordings.
// Light DOM with the shell's stylesheet; no inline styles or scripts (CSP).
import { LitElement, html, nothing } from 'lit';
import { api, can, confirmDialog, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

const API = '/api/plugins/conference';
const errText = (/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err));
const when = (/** @type {string | null} */ v) => (v ? formatDate(v) : '');

/** @type {import('acm/sdk.js').Section[]} */
const SECTIONS = [
  { title: 'Room', fields: ['clusterId', 'number', 'description', 'owner', 'account', 'externalNumber'] },
  { title: 'When', fields: ['startsAt', 'endsAt', 'recurrence', 'durationMinutes'] },
  { title: 'Access & media', fields: ['userPin', 'adminPin', 'maxUsers', 'record', 'videoMode'] },
];
/** @type {Record<string, import('acm/sdk.js').FieldHint>} */
const HINTS = {
  number: { label: 'Room number' }, startsAt: { input: 'datetime', label: 'Starts' }, endsAt: { input: 'datetime', label: 'Ends' },
  durationMinutes: { label: 'Minutes per occurrence' }, userPin: { label: 'User PIN' }, adminPin: { label: 'Admin PIN' },
  externalNumber: { label: 'External number' }, videoMode: { label: 'Video' },
};

/** `<acm-conference-page>`: list, form or list plus live view of one room. */
export class AcmConferencePage extends LitElement {
  static properties = {
    mode: { state: true }, editId: { state: true }, selected: { state: true },
    participants: { state: true }, recordings: { state: true }, liveError: { state: true }, clusters: { state: true },
  };

  constructor() {
    super();
    /** @type {'list' | 'new' | 'edit'} */
    this.mode = 'list';
    this.editId = 0;
    /** @type {any} the room whose live view is shown */
    this.selected = null;
    /** @type {any[]} */
    this.participants = [];
    /** @type {any[]} */
    this.recordings = [];
    this.liveError = '';
    /** @type {Map<number, string>} cluster id → name, for the table */
    this.clusters = new Map();
    /** @type {(() => void) | undefined} ends the live subscription */
    this.unsubscribe = undefined;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    void api('GET', '/api/clusters?pageSize=1000')
      .then((r) => { this.clusters = new Map(r.items.map((/** @type {any} */ c) => [c.id, c.name])); })
      .catch(() => {});
    // Pushed by the server (`conference.participants` on /api/events), no polling; after a
    // reconnect (`data` null) what was missed is read again.
    this.unsubscribe = onPluginEvent('conference', 'participants', (data) => {
      const room = this.selected;
      if (!room) return;
      if (data === null) void this.loadParticipants();
      else if (data.clusterId === room.clusterId && data.conference === room.number) { this.participants = data.participants; this.liveError = ''; }
    });
  }

  disconnectedCallback() {
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  /** @param {boolean} [refresh] ask the servers instead of the events seen */
  async loadParticipants(refresh = false) {
    const room = this.selected;
    if (!room) return;
    try {
      const list = await api('GET', `${API}/rooms/${room.id}/participants${refresh ? '?refresh=1' : ''}`);
      if (this.selected?.id === room.id) { this.participants = list; this.liveError = ''; }
    } catch (err) { this.liveError = errText(err); }
  }

  /** @param {any} room */
  async select(room) {
    this.selected = room;
    this.participants = [];
    this.recordings = [];
    await this.loadParticipants(true);
    try { this.recordings = (await api('GET', `${API}/rooms/${room.id}/recordings`)).recordings; } catch { this.recordings = []; }
  }

  /** @param {CustomEvent} e */
  onAction(e) {
    const { action, row } = e.detail;
    if (action === 'add') { this.mode = 'new'; this.editId = 0; } else if (action === 'edit') { this.mode = 'edit'; this.editId = row.id; } else if (action === 'view') void this.select(row);
  }

  /** A deleted room (or one no longer listed) closes its live view. @param {CustomEvent} e */
  onLoaded(e) {
    const shown = this.selected && e.detail.rows.find((/** @type {any} */ r) => r.id === this.selected.id);
    this.selected = shown ?? null;
  }

  /** @param {'mute' | 'kick'} kind @param {any} p */
  async act(kind, p) {
    const room = this.selected;
    if (kind === 'kick' && !(await confirmDialog(`Remove ${p.callerIdName || p.channel} from room ${room.number}?`, 'Kick'))) return;
    try {
      await api('POST', `${API}/rooms/${room.id}/${kind}`, kind === 'kick' ? { channel: p.channel } : { channel: p.channel, muted: !p.muted });
      await this.loadParticipants(true);
    } catch (err) { toast(`Could not ${kind} ${p.channel}: ${errText(err)}`, 'error'); }
  }

  /** @returns {import('acm/sdk.js').Column[]} */
  get columns() {
    return [
      { key: 'number', label: 'Room' },
      { key: 'startsAt', label: 'Starts', format: (r) => when(r.startsAt) },
      { key: 'endsAt', label: 'Ends', format: (r) => when(r.endsAt) },
      { key: 'recurrence', label: 'Recurs' },
      { key: 'clusterId', label: 'Cluster', format: (r) => this.clusters.get(r.clusterId) ?? r.clusterId, csv: (r) => String(this.clusters.get(r.clusterId) ?? r.clusterId) },
      { key: 'description', label: 'Description' },
      { key: 'account', label: 'Account', hidden: true },
      { key: 'owner', label: 'Owner', hidden: true },
      { key: 'externalNumber', label: 'External number', sortable: false, hidden: true },
      { key: 'maxUsers', label: 'Max users', hidden: true },
      { key: 'userPinSet', label: 'PIN', sortable: false, format: (r) => (r.userPinSet ? 'set' : 'none') },
      { key: 'record', label: 'Recorded', sortable: false, format: (r) => (r.record ? 'yes' : 'no') },
      { key: 'videoMode', label: 'Video', sortable: false, hidden: true },
      { key: 'open', label: 'Status', format: (r) => html`<span class="badge ${r.open ? 'green' : 'grey'}">${r.open ? 'open' : 'closed'}</span>`, csv: (r) => (r.open ? 'open' : 'closed') },
    ];
  }

  render() {
    if (this.mode !== 'list') {
      const back = () => { this.mode = 'list'; };
      return html`<header class="page-head"><h1>${this.mode === 'new' ? 'Book a room' : 'Change room'}</h1></header>
        <acm-object-form resource="conference-rooms" path="${API}/rooms" schema-name="ConferenceRoomInput"
          permission="conference.room" .mode=${this.mode} .itemId=${this.editId} .sections=${SECTIONS} .hints=${HINTS}
          @acm-saved=${back} @acm-cancel=${back}></acm-object-form>`;
    }
    const actions = can('conference.room:write') ? ['add', 'view', 'edit', 'delete'] : ['view'];
    return html`<header class="page-head"><h1>Conference manager</h1>
        <p class="summary-line">Pick a room to see who is in it.</p></header>
      <acm-table path="${API}/rooms" caption="Conference rooms" storage-key="conference-rooms" .columns=${this.columns}
        .actions=${actions} .rowLabel=${(/** @type {any} */ r) => `room ${r.number}`} @acm-action=${this.onAction}
        @acm-loaded=${this.onLoaded}></acm-table>
      ${this.selected ? this.renderLive() : nothing}`;
  }

  renderLive() {
    const r = this.selected;
    const write = can('conference.room:write');
    return html`<section class="sec-part conference-live" aria-labelledby="conf-live-h">
      <div class="part-head"><h2 id="conf-live-h">Room ${r.number}</h2>
        <span class="badge ${r.open ? 'green' : 'grey'}">${r.open ? 'open' : 'closed'}</span>
        <button type="button" class="small" @click=${() => void this.loadParticipants(true)}>Refresh from servers</button>
        <button type="button" class="small" @click=${() => { this.selected = null; }}>Close</button></div>
      ${this.liveError ? html`<p class="alert error" role="alert">${this.liveError}</p>` : nothing}
      <div class="table-wrap"><table class="grid compact">
        <caption>Participants of room ${r.number}</caption>
        <thead><tr><th scope="col">Caller</th><th scope="col">Channel</th><th scope="col">Role</th><th scope="col">Talking</th><th scope="col">Muted</th>
          ${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
        <tbody>${this.participants.map((p) => html`<tr data-channel=${p.channel}>
          <td>${p.callerIdName} &lt;${p.callerIdNum}&gt;</td><td><code>${p.channel}</code></td><td>${p.admin ? 'admin' : 'user'}</td>
          <td>${p.talking ? html`<span class="badge green">talking</span>` : ''}</td><td>${p.muted ? 'yes' : 'no'}</td>
          ${write ? html`<td class="actions"><button type="button" class="small" aria-label="${p.muted ? 'Unmute' : 'Mute'} ${p.channel}" @click=${() => void this.act('mute', p)}>${p.muted ? 'Unmute' : 'Mute'}</button>
            <button type="button" class="small danger" aria-label="Kick ${p.channel}" @click=${() => void this.act('kick', p)}>Kick</button></td>` : nothing}</tr>`)}
          ${!this.participants.length ? html`<tr><td class="empty" colspan=${write ? 6 : 5}>Nobody is in the room.</td></tr>` : nothing}</tbody>
      </table></div>
      <h3>Recordings</h3>
      ${this.recordings.length ? html`<ul class="conference-recordings">${this.recordings.map((f) => html`<li><code>${f.file}</code> (${Math.round(f.bytes / 1024)} KiB${f.startedAt ? `, ${formatDate(f.startedAt)}` : ''})</li>`)}</ul>`
        : html`<p class="muted">No recordings.</p>`}
    </section>`;
  }
}

if (!customElements.get('acm-conference-page')) customElements.define('acm-conference-page', AcmConferencePage);
