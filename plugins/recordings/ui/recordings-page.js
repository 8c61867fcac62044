// @ts-check
// The recordings page (`#/recordings`): the kit's resource page (list, add, change, copy,
// delete) and, on a recording's view, its audio: a player of the converted WAV and an upload
// (the file as the raw request body; the server converts it with sox).
import { html, nothing } from 'lit';
import { AcmResourcePage, api, can, formatDate, notifyChanged, toast } from 'acm/sdk.js';

const PATH = '/api/plugins/recordings/recordings';

/** @type {import('acm/sdk.js').ResourceDef} */
const RECORDINGS = {
  name: 'recordings', path: PATH, route: 'recordings', title: 'Recordings', singular: 'recording', schema: 'RecordingsRecordingInput',
  permission: 'recordings.recording', rowLabel: (r) => `recording ${r.name}`,
  columns: [
    { key: 'name', label: 'Name' }, { key: 'description', label: 'Description' }, { key: 'language', label: 'Language' },
    { key: 'durationMs', label: 'Length (s)', format: (r) => (r.durationMs == null ? 'no audio' : (r.durationMs / 1000).toFixed(1)) },
    // What an IVR menu or announcement names as its prompt (inbound plugin).
    { key: 'soundName', label: 'Prompt name', sortable: false, format: (r) => (r.durationMs == null ? '' : `acm/t${r.tenantId}/${r.name}`) },
    { key: 'uploadedAt', label: 'Uploaded', format: (r) => (r.uploadedAt ? formatDate(r.uploadedAt) : ''), hidden: true },
  ],
};

/** `<acm-recordings-page>`: the kit's page plus the audio of the recording shown. */
export class AcmRecordingsPage extends AcmResourcePage {
  static properties = { ...AcmResourcePage.properties, item: { state: true }, busy: { state: true }, error: { state: true } };

  constructor() {
    super();
    this.def = RECORDINGS;
    /** @type {any} */
    this.item = null;
    this.busy = false;
    this.error = '';
    /** Bumped after an upload so the player loads the new file. */
    this.version = 0;
  }

  /** The recording's id when its view is open. */
  get viewedId() {
    const m = /^(\d+)$/.exec(this.sub);
    return m ? Number(m[1]) : 0;
  }

  /** @param {Map<string, unknown>} changed */
  updated(changed) {
    if (changed.has('sub')) { this.error = ''; void this.load(); }
  }

  async load() {
    const id = this.viewedId;
    this.item = null;
    if (!id) return;
    const item = await api('GET', `${PATH}/${id}`).catch(() => null);
    if (this.viewedId === id) this.item = item;
  }

  /** @param {Event} e */
  async upload(e) {
    e.preventDefault();
    const input = /** @type {HTMLInputElement | null} */ (this.querySelector('#recording-file'));
    const file = input?.files?.[0];
    if (!file || !this.item) return;
    this.busy = true;
    this.error = '';
    try {
      // The file itself is the body (no JSON, no form encoding): api() sends JSON only.
      const res = await fetch(`${PATH}/${this.item.id}/audio`, {
        method: 'POST', body: file, headers: { 'content-type': file.type.startsWith('audio/') ? file.type : 'application/octet-stream' },
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        this.error = body.problems?.map((/** @type {any} */ p) => `${p.field}: ${p.message}`).join('; ') || body.detail || `upload failed (${res.status})`;
        return;
      }
      this.item = body;
      this.version++;
      if (input) input.value = '';
      toast(`Uploaded ${body.name}: ${(body.durationMs / 1000).toFixed(1)} s. Commit to push it to the servers.`, 'success');
      notifyChanged();
    } finally {
      this.busy = false;
    }
  }

  renderAudio() {
    const r = this.item;
    if (!r) return nothing;
    return html`<section class="sec-part" aria-labelledby="recording-audio-h">
      <div class="part-head"><h2 id="recording-audio-h">Audio</h2></div>
      ${r.sha256
        ? html`<p class="summary-line">${(r.durationMs / 1000).toFixed(1)} s, ${r.size} bytes, 8 kHz mono WAV, uploaded ${formatDate(r.uploadedAt)};
            plays as <code>acm/t${r.tenantId}/${r.name}</code></p>
          <audio controls preload="none" aria-label=${`recording ${r.name}`} src=${`${PATH}/${r.id}/audio?v=${this.version}`}></audio>`
        : html`<p class="muted">No audio uploaded yet.</p>`}
      ${can('recordings.recording:write') ? html`<form @submit=${this.upload}>
          <div class="field"><label for="recording-file">Audio file (wav, mp3, ogg, flac…)</label>
            <input id="recording-file" type="file" accept="audio/*" ?disabled=${this.busy}></div>
          ${this.error ? html`<div class="alert error" role="alert">${this.error}</div>` : nothing}
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Converting…' : 'Upload'}</button>
        </form>` : nothing}
    </section>`;
  }

  render() {
    return html`${super.render()}${this.viewedId ? this.renderAudio() : nothing}`;
  }
}
customElements.define('acm-recordings-page', AcmRecordingsPage);
