// @ts-check
import { LitElement, html, nothing } from 'lit';
import { api, ApiError, live, notifyChanged, toast } from './api.js';
import { clearRefCache, refOptions } from './form.js';
import { adoptPageStyles } from './revisions.js';

/**
 * `<acm-batch-page>` (`#/batch`): many extensions at once from a template (a group's template
 * extension, or any extension), numbered from..to in each chosen cluster. Validate asks
 * `POST /api/batch/validate` (VALID/INVALID, the problems, how many would be created); Submit
 * (`POST /api/batch/submit`) is enabled only after a VALID answer for exactly the inputs shown.
 * When the server has no batch API (404) the page says so instead of failing.
 */

/** @typedef {{field: string, message: string}} Problem */

const FIELD_LABELS = /** @type {Record<string, string>} */ ({
  templateGroupId: 'Template group', templateExtensionId: 'Template extension', from: 'From', to: 'To',
  clusterIds: 'Clusters', namePattern: 'Name pattern',
});

export class AcmBatchPage extends LitElement {
  static properties = {
    available: { state: true }, kind: { state: true }, groupId: { state: true }, extensionId: { state: true },
    clusterIds: { state: true }, from: { state: true }, to: { state: true }, namePattern: { state: true },
    groups: { state: true }, extensions: { state: true }, clusters: { state: true },
    validation: { state: true }, validating: { state: true }, submitting: { state: true }, progress: { state: true },
    created: { state: true }, error: { state: true },
  };

  constructor() {
    super();
    /** @type {boolean | null} null until the probe answers */
    this.available = null;
    /** @type {'group' | 'extension'} */
    this.kind = 'group';
    this.groupId = '';
    this.extensionId = '';
    /** @type {Set<number>} */
    this.clusterIds = new Set();
    this.from = '';
    this.to = '';
    this.namePattern = '';
    /** @type {{value: number, label: string}[]} */
    this.groups = [];
    /** @type {{value: number, label: string}[]} */
    this.extensions = [];
    /** @type {{value: number, label: string}[]} */
    this.clusters = [];
    /** @type {null | {key: string, valid: boolean, problems: Problem[], count: number}} */
    this.validation = null;
    this.validating = false;
    this.submitting = false;
    /** @type {null | {done: number, total: number}} */
    this.progress = null;
    /** @type {null | {created: number, count: number}} */
    this.created = null;
    this.error = '';
    /** Whether `batch` messages belong to the submit shown. */
    this.tracking = false;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    adoptPageStyles();
    void Promise.all([refOptions('groupId'), refOptions('templateExtensionId'), refOptions('clusterId')])
      .then(([g, e, c]) => { this.groups = g; this.extensions = e; this.clusters = c; });
    void this.probe();
    // Progress of our submit: `{type: 'batch', kind: 'batch', done, total}` goes only to the user
    // who started it. Listening from the page's start keeps the socket open before Submit.
    this.offLive = live.subscribe((m) => this.onLive(m));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.offLive?.();
    this.offLive = undefined;
  }

  /** @param {any} m */
  onLive(m) {
    if (!this.tracking || m?.type !== 'batch' || (m.kind && m.kind !== 'batch')) return;
    if (typeof m.done !== 'number' || typeof m.total !== 'number' || m.total <= 0) return;
    // Messages may overtake each other only in theory: never let the bar run backwards.
    if (this.progress && this.progress.total === m.total && this.progress.done > m.done) return;
    this.progress = { done: Math.min(m.done, m.total), total: m.total };
  }

  /** Whether the server has the batch API: an empty validation writes nothing. */
  async probe() {
    try {
      await api('POST', '/api/batch/validate', {});
      this.available = true;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) this.available = false;
      else {
        this.available = true;
        if (err instanceof ApiError && err.status === 403) this.error = 'Your role may not create extensions, so it cannot run a batch.';
      }
    }
  }

  /** The request for the inputs shown. */
  body() {
    /** @type {Record<string, unknown>} */
    const b = {};
    const tpl = this.kind === 'group' ? this.groupId : this.extensionId;
    if (tpl) b[this.kind === 'group' ? 'templateGroupId' : 'templateExtensionId'] = Number(tpl);
    b.from = this.from.trim();
    b.to = this.to.trim();
    b.clusterIds = [...this.clusterIds].sort((x, y) => x - y);
    if (this.namePattern.trim()) b.namePattern = this.namePattern.trim();
    return b;
  }

  get key() { return JSON.stringify(this.body()); }

  get canSubmit() {
    return !!this.validation?.valid && this.validation.key === this.key && !this.submitting && !this.validating;
  }

  /** @param {unknown} err */
  notAvailable(err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
      this.available = false;
      return true;
    }
    return false;
  }

  /** @param {SubmitEvent} [e] */
  async validate(e) {
    e?.preventDefault();
    const key = this.key;
    this.validating = true;
    this.error = '';
    this.created = null;
    try {
      const res = await api('POST', '/api/batch/validate', JSON.parse(key));
      this.validation = { key, valid: !!res.valid, problems: res.problems ?? [], count: res.count ?? 0 };
    } catch (err) {
      if (this.notAvailable(err)) return;
      if (err instanceof ApiError && err.problems.length) this.validation = { key, valid: false, problems: err.problems, count: 0 };
      else { this.validation = null; this.error = err instanceof Error ? err.message : String(err); }
    } finally {
      this.validating = false;
    }
  }

  async submit() {
    if (!this.canSubmit || !this.validation) return;
    const key = this.key;
    const count = this.validation.count;
    this.submitting = true;
    this.progress = null;
    this.error = '';
    // Progress is shown from Submit until the inputs change (the last message may come after the answer).
    this.tracking = true;
    try {
      const res = await api('POST', '/api/batch/submit', JSON.parse(key));
      this.created = { created: res?.created ?? 0, count };
      this.validation = null;
      clearRefCache();
      notifyChanged();
      toast(`Created ${this.created.created} extensions.`);
    } catch (err) {
      if (this.notAvailable(err)) return;
      if (err instanceof ApiError && err.problems.length) this.validation = { key, valid: false, problems: err.problems, count };
      else this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.submitting = false;
    }
  }

  /** @param {string} field */
  problemLabel(field) {
    // The API's messages about one cluster already start with its name.
    if (/^clusterIds\.\d+$/.test(field)) return '';
    return FIELD_LABELS[field] ?? field;
  }

  /** Whether the last validation of these inputs blames `field` (or one of its items). */
  blamed(/** @type {string} */ field) {
    const v = this.validation;
    return !!v && !v.valid && v.key === this.key && v.problems.some((p) => p.field === field || p.field.startsWith(`${field}.`));
  }

  /** @param {string} name @param {string} value */
  set(name, value) {
    /** @type {any} */ (this)[name] = value;
    this.created = null;
    this.tracking = false;
  }

  /** @param {number} id @param {boolean} on */
  toggleCluster(id, on) {
    const s = new Set(this.clusterIds);
    if (on) s.add(id); else s.delete(id);
    this.clusterIds = s;
    this.created = null;
    this.tracking = false;
  }

  resultView() {
    if (this.submitting) {
      const p = this.progress;
      return html`<section class="batch-result" aria-live="polite"><p>Creating ${this.validation?.count ?? ''} extensions…</p>
        ${p ? html`<progress class="batch-progress" max=${p.total} .value=${p.done} aria-label="Batch progress"></progress><p class="muted progress-text">${p.done} of ${p.total} written</p>` : html`<progress aria-label="Batch in progress"></progress>`}</section>`;
    }
    if (this.created) {
      const p = this.progress;
      return html`<section class="batch-result created" role="status"><p><span class="verdict valid">DONE</span>
        Created <strong class="created-count">${this.created.created}</strong> ${this.created.created === 1 ? 'extension' : 'extensions'}.
        They wait in the changes: press Commit to deploy them. <a href="#/extensions">Extensions</a></p>
        ${p ? html`<progress class="batch-progress" max=${p.total} .value=${p.done} aria-label="Batch progress"></progress><p class="muted progress-text">${p.done} of ${p.total} written</p>` : nothing}</section>`;
    }
    const v = this.validation;
    if (!v) return nothing;
    const stale = v.key !== this.key;
    return html`<section class="batch-result validation" role="status" aria-live="polite" data-valid=${v.valid ? 'true' : 'false'}>
      <p><span class="verdict ${v.valid ? 'valid' : 'invalid'}">${v.valid ? 'VALID' : 'INVALID'}</span>
        ${v.valid ? html`<span class="count-line">${v.count} ${v.count === 1 ? 'extension' : 'extensions'} will be created.</span>`
          : html`<span class="count-line">${v.problems.length} ${v.problems.length === 1 ? 'problem' : 'problems'}${v.count ? ` in a batch of ${v.count} ${v.count === 1 ? 'extension' : 'extensions'}` : ''}; nothing can be created until they are fixed.</span>`}</p>
      ${stale ? html`<p class="note">The inputs changed since this validation: validate again before submitting.</p>` : nothing}
      ${v.problems.length ? html`<ul class="problems">${v.problems.map((p) => { const l = this.problemLabel(p.field); return html`<li>${l ? html`<span class="problem-field">${l}</span>` : nothing}${p.message}</li>`; })}</ul>` : nothing}
    </section>`;
  }

  render() {
    const head = html`<header class="page-head"><h1>Batch</h1></header>`;
    if (this.available === false) {
      return html`${head}<p class="alert error not-available" role="alert">Batch configuration is not available on this server (its API is missing). Add extensions one by one, or import a CSV when that is available.</p>`;
    }
    if (this.available === null) return html`${head}<p class="loading">Loading…</p>`;
    const inv = (/** @type {string} */ f) => (this.blamed(f) ? 'true' : 'false');
    const busy = this.validating || this.submitting;
    return html`${head}
      <p class="summary-line">Create many extensions at once from a template: numbers <em>from</em>…<em>to</em> in every chosen cluster. Each new extension gets its own SIP password and voicemail PIN.</p>
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      <form class="object-form batch-form" novalidate @submit=${this.validate}>
        <fieldset class="section"><legend>Template</legend>
          <fieldset class="template-kind"><legend class="visually-hidden">Template kind</legend>
            <label class="check"><input type="radio" name="kind" value="group" .checked=${this.kind === 'group'} @change=${() => this.set('kind', 'group')}> A group's template</label>
            <label class="check"><input type="radio" name="kind" value="extension" .checked=${this.kind === 'extension'} @change=${() => this.set('kind', 'extension')}> An extension</label>
          </fieldset>
          <div class="fields">
            ${this.kind === 'group' ? html`<div class="field ${this.blamed('templateGroupId') ? 'invalid' : ''}"><label for="batch-group">Template group</label>
              <select id="batch-group" aria-invalid=${inv('templateGroupId')} @change=${(/** @type {Event} */ e) => this.set('groupId', /** @type {HTMLSelectElement} */ (e.target).value)}>
                <option value="" ?selected=${!this.groupId}>Choose a group…</option>
                ${this.groups.map((g) => html`<option value=${g.value} ?selected=${String(g.value) === this.groupId}>${g.label}</option>`)}
              </select><p class="hint">The new extensions join the group, with its template extension's settings.</p></div>`
            : html`<div class="field ${this.blamed('templateExtensionId') ? 'invalid' : ''}"><label for="batch-extension">Template extension</label>
              <select id="batch-extension" aria-invalid=${inv('templateExtensionId')} @change=${(/** @type {Event} */ e) => this.set('extensionId', /** @type {HTMLSelectElement} */ (e.target).value)}>
                <option value="" ?selected=${!this.extensionId}>Choose an extension…</option>
                ${this.extensions.map((x) => html`<option value=${x.value} ?selected=${String(x.value) === this.extensionId}>${x.label}</option>`)}
              </select><p class="hint">Copies its settings; never its number, name, passwords or phone.</p></div>`}
          </div>
        </fieldset>
        <fieldset class="section ${this.blamed('clusterIds') ? 'invalid' : ''}"><legend>Clusters</legend>
          <div class="cluster-list" role="group" aria-label="Clusters">
            ${this.clusters.map((c) => html`<label class="check"><input type="checkbox" name="cluster" value=${c.value} .checked=${this.clusterIds.has(c.value)}
              @change=${(/** @type {Event} */ e) => this.toggleCluster(c.value, /** @type {HTMLInputElement} */ (e.target).checked)}> ${c.label}</label>`)}
            ${!this.clusters.length ? html`<span class="muted">No clusters.</span>` : nothing}
          </div>
        </fieldset>
        <fieldset class="section"><legend>Numbers and names</legend><div class="fields">
          <div class="field ${this.blamed('from') ? 'invalid' : ''}"><label for="batch-from">From</label>
            <input id="batch-from" inputmode="numeric" autocomplete="off" .value=${this.from} aria-invalid=${inv('from')} @input=${(/** @type {Event} */ e) => this.set('from', /** @type {HTMLInputElement} */ (e.target).value)}></div>
          <div class="field ${this.blamed('to') ? 'invalid' : ''}"><label for="batch-to">To</label>
            <input id="batch-to" inputmode="numeric" autocomplete="off" .value=${this.to} aria-invalid=${inv('to')} @input=${(/** @type {Event} */ e) => this.set('to', /** @type {HTMLInputElement} */ (e.target).value)}></div>
          <div class="field ${this.blamed('namePattern') ? 'invalid' : ''}"><label for="batch-name">Name pattern</label>
            <input id="batch-name" autocomplete="off" placeholder="Extension {n}" .value=${this.namePattern} aria-invalid=${inv('namePattern')} aria-describedby="batch-name-hint"
              @input=${(/** @type {Event} */ e) => this.set('namePattern', /** @type {HTMLInputElement} */ (e.target).value)}>
            <p class="hint" id="batch-name-hint">{n} the number, {cluster} the cluster's name, {i} 1, 2, 3…</p></div>
        </div></fieldset>
        <div class="batch-buttons">
          <button type="submit" ?disabled=${busy}>${this.validating ? 'Validating…' : 'Validate'}</button>
          <button type="button" class="primary" ?disabled=${!this.canSubmit} @click=${() => this.submit()}>${this.submitting ? 'Submitting…' : 'Submit'}</button>
          ${!this.canSubmit && !busy ? html`<span class="muted">Submit is enabled after a VALID validation of these inputs.</span>` : nothing}
        </div>
      </form>
      ${this.resultView()}`;
  }
}
customElements.define('acm-batch-page', AcmBatchPage);
