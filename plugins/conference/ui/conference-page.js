// The conference manager page: bookings table, booking form and a live room view.
// Self-contained Lit element; the shell loads it for the manifest's `ui` entry.
import { LitElement, html, css } from 'lit';

const API = '/api/plugins/conference';

async function api(method, path, body) {
  const res = await fetch(API + path, {
    method, credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problems = data && data.problems ? data.problems.map((p) => `${p.field}: ${p.message}`).join('; ') : '';
    throw new Error(problems || (data && (data.detail || data.title)) || `${res.status}`);
  }
  return data;
}

const EMPTY = { clusterId: '', number: '', startsAt: '', endsAt: '', recurrence: 'none', durationMinutes: '', externalNumber: '', owner: '', account: '', description: '', maxUsers: '', userPin: '', adminPin: '', record: false, videoMode: 'none' };

export class AcmConferencePage extends LitElement {
  static properties = {
    rooms: { state: true }, total: { state: true }, page: { state: true }, q: { state: true },
    form: { state: true }, editing: { state: true }, error: { state: true },
    selected: { state: true }, participants: { state: true }, recordings: { state: true },
  };

  static styles = css`
    :host { display: block; font: 14px system-ui, sans-serif; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; }
    tr.sel { background: #eef; }
    .open { color: #070; } .closed { color: #999; }
    .error { color: #b00; margin: 8px 0; }
    form { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 6px 12px; margin: 12px 0; }
    label { display: flex; flex-direction: column; font-size: 12px; }
    .bar { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
  `;

  constructor() {
    super();
    this.rooms = []; this.total = 0; this.page = 1; this.q = '';
    this.form = { ...EMPTY }; this.editing = null; this.error = '';
    this.selected = null; this.participants = []; this.recordings = [];
    this.timer = undefined;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.timer = setInterval(() => { if (this.selected) this.loadParticipants(); }, 3000);
  }

  disconnectedCallback() {
    clearInterval(this.timer);
    super.disconnectedCallback();
  }

  async load() {
    try {
      const r = await api('GET', `/rooms?page=${this.page}&pageSize=25&sort=number&q=${encodeURIComponent(this.q)}`);
      this.rooms = r.items; this.total = r.total; this.error = '';
    } catch (e) { this.error = e.message; }
  }

  async loadParticipants(refresh = false) {
    if (!this.selected) return;
    try { this.participants = await api('GET', `/rooms/${this.selected.id}/participants${refresh ? '?refresh=1' : ''}`); } catch (e) { this.error = e.message; }
  }

  async select(room) {
    this.selected = room; this.participants = []; this.recordings = [];
    await this.loadParticipants(true);
    try { this.recordings = (await api('GET', `/rooms/${room.id}/recordings`)).recordings; } catch { this.recordings = []; }
  }

  edit(room) {
    this.editing = room ? room.id : 'new';
    this.form = room ? { ...EMPTY, ...room, startsAt: room.startsAt.slice(0, 16), endsAt: room.endsAt ? room.endsAt.slice(0, 16) : '', userPin: '', adminPin: '' } : { ...EMPTY };
  }

  body() {
    const f = this.form;
    const num = (v) => (v === '' || v === null ? null : Number(v));
    const body = {
      clusterId: Number(f.clusterId), number: f.number, startsAt: new Date(f.startsAt).toISOString(),
      endsAt: f.endsAt ? new Date(f.endsAt).toISOString() : null, recurrence: f.recurrence,
      durationMinutes: f.recurrence === 'none' ? null : num(f.durationMinutes), externalNumber: f.externalNumber || null,
      owner: f.owner || null, account: f.account || null, description: f.description || null, maxUsers: num(f.maxUsers),
      record: !!f.record, videoMode: f.videoMode,
    };
    // empty PIN fields keep the stored PINs when editing
    if (f.userPin) body.userPin = f.userPin;
    if (f.adminPin) body.adminPin = f.adminPin;
    return body;
  }

  async save(ev) {
    ev.preventDefault();
    try {
      if (this.editing === 'new') await api('POST', '/rooms', this.body());
      else await api('PUT', `/rooms/${this.editing}`, this.body());
      this.editing = null; await this.load();
    } catch (e) { this.error = e.message; }
  }

  async remove(room) {
    if (!confirm(`Delete room ${room.number}?`)) return;
    try { await api('DELETE', `/rooms/${room.id}`); if (this.selected?.id === room.id) this.selected = null; await this.load(); } catch (e) { this.error = e.message; }
  }

  async act(kind, p) {
    try {
      await api('POST', `/rooms/${this.selected.id}/${kind === 'kick' ? 'kick' : 'mute'}`, kind === 'kick' ? { channel: p.channel } : { channel: p.channel, muted: !p.muted });
      await this.loadParticipants(true);
    } catch (e) { this.error = e.message; }
  }

  field(name, label, type = 'text', options) {
    const set = (e) => { this.form = { ...this.form, [name]: type === 'checkbox' ? e.target.checked : e.target.value }; };
    if (options) return html`<label>${label}<select .value=${this.form[name]} @change=${set}>${options.map((o) => html`<option value=${o} ?selected=${this.form[name] === o}>${o}</option>`)}</select></label>`;
    if (type === 'checkbox') return html`<label>${label}<input type="checkbox" .checked=${!!this.form[name]} @change=${set}></label>`;
    return html`<label>${label}<input type=${type} .value=${this.form[name] ?? ''} @input=${set}></label>`;
  }

  renderForm() {
    return html`<form @submit=${(e) => this.save(e)}>
      ${this.field('number', 'Room number')} ${this.field('clusterId', 'Cluster id', 'number')}
      ${this.field('startsAt', 'Start', 'datetime-local')} ${this.field('endsAt', 'End', 'datetime-local')}
      ${this.field('recurrence', 'Recurrence', 'text', ['none', 'daily', 'weekly', 'monthly'])} ${this.field('durationMinutes', 'Minutes per occurrence', 'number')}
      ${this.field('externalNumber', 'External number')} ${this.field('owner', 'Owner')}
      ${this.field('account', 'Account')} ${this.field('description', 'Description')}
      ${this.field('maxUsers', 'Max users', 'number')} ${this.field('videoMode', 'Video', 'text', ['none', 'follow_talker', 'last_marked', 'first_marked'])}
      ${this.field('userPin', 'User PIN (empty = keep)', 'password')} ${this.field('adminPin', 'Admin PIN (empty = keep)', 'password')}
      ${this.field('record', 'Record', 'checkbox')}
      <div class="bar"><button type="submit">Save</button><button type="button" @click=${() => { this.editing = null; }}>Cancel</button></div>
    </form>`;
  }

  renderLive() {
    const r = this.selected;
    return html`<h3>Room ${r.number} — ${r.open ? 'open' : 'closed'}</h3>
      <div class="bar"><button @click=${() => this.loadParticipants(true)}>Refresh from servers</button></div>
      <table><thead><tr><th>Caller</th><th>Channel</th><th>Role</th><th>Talking</th><th>Muted</th><th></th></tr></thead>
      <tbody>${this.participants.length ? this.participants.map((p) => html`<tr>
        <td>${p.callerIdName} &lt;${p.callerIdNum}&gt;</td><td>${p.channel}</td><td>${p.admin ? 'admin' : 'user'}</td>
        <td>${p.talking ? '🔊' : ''}</td><td>${p.muted ? 'yes' : 'no'}</td>
        <td><button @click=${() => this.act('mute', p)}>${p.muted ? 'Unmute' : 'Mute'}</button> <button @click=${() => this.act('kick', p)}>Kick</button></td>
      </tr>`) : html`<tr><td colspan="6">nobody in the room</td></tr>`}</tbody></table>
      <h4>Recordings</h4>
      <ul>${this.recordings.length ? this.recordings.map((f) => html`<li>${f.file} (${Math.round(f.bytes / 1024)} KiB${f.startedAt ? `, ${f.startedAt}` : ''})</li>`) : html`<li>none</li>`}</ul>`;
  }

  render() {
    const pages = Math.max(1, Math.ceil(this.total / 25));
    return html`
      <h2>Conference manager</h2>
      ${this.error ? html`<div class="error">${this.error}</div>` : ''}
      <div class="bar">
        <input placeholder="Search" .value=${this.q} @change=${(e) => { this.q = e.target.value; this.page = 1; this.load(); }}>
        <button @click=${() => this.edit(null)}>Book a room</button>
        <span>Page ${this.page} of ${pages} — ${this.total} rooms</span>
        <button ?disabled=${this.page <= 1} @click=${() => { this.page--; this.load(); }}>‹</button>
        <button ?disabled=${this.page >= pages} @click=${() => { this.page++; this.load(); }}>›</button>
      </div>
      ${this.editing ? this.renderForm() : ''}
      <table>
        <thead><tr><th>Room</th><th>Start</th><th>End</th><th>Recurs</th><th>Account</th><th>Cluster</th><th>External</th><th>Description</th><th>Max</th><th>PIN</th><th>Record</th><th>Video</th><th>Status</th><th></th></tr></thead>
        <tbody>${this.rooms.map((r) => html`<tr class=${this.selected?.id === r.id ? 'sel' : ''} @click=${() => this.select(r)}>
          <td>${r.number}</td><td>${r.startsAt.replace('T', ' ').slice(0, 16)}</td><td>${r.endsAt ? r.endsAt.replace('T', ' ').slice(0, 16) : ''}</td>
          <td>${r.recurrence}</td><td>${r.account ?? ''}</td><td>${r.clusterId}</td><td>${r.externalNumber ?? ''}</td><td>${r.description ?? ''}</td>
          <td>${r.maxUsers ?? ''}</td><td>${r.userPinSet ? 'set' : ''}</td><td>${r.record ? 'yes' : 'no'}</td><td>${r.videoMode}</td>
          <td class=${r.open ? 'open' : 'closed'}>${r.open ? 'open' : 'closed'}</td>
          <td><button @click=${(e) => { e.stopPropagation(); this.edit(r); }}>Edit</button> <button @click=${(e) => { e.stopPropagation(); this.remove(r); }}>Delete</button></td>
        </tr>`)}</tbody>
      </table>
      ${this.selected ? this.renderLive() : ''}`;
  }
}

if (!customElements.get('acm-conference-page')) customElements.define('acm-conference-page', AcmConferencePage);
