// @ts-check
import { LitElement, html, nothing } from 'lit';
import { api, live, formatDate } from 'acm/sdk.js';

const STATE_WORDS = /** @type {Record<string, string>} */ ({ green: 'OK', orange: 'Warning', red: 'Problem', unknown: 'Unknown' });

/**
 * Renders a tile's `details` as a readable tree: nested objects as definition lists, arrays of
 * objects as tables.
 * @param {unknown} v
 * @returns {unknown}
 */
function detail(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) {
    if (!v.length) return 'none';
    if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const keys = [...new Set(v.flatMap((x) => Object.keys(x)))];
      return html`<table class="grid compact"><thead><tr>${keys.map((k) => html`<th scope="col">${k}</th>`)}</tr></thead>
        <tbody>${v.map((x) => html`<tr>${keys.map((k) => html`<td>${detail(x[k])}</td>`)}</tr>`)}</tbody></table>`;
    }
    return v.map((x) => String(x)).join(', ');
  }
  if (typeof v === 'object') {
    return html`<dl class="details">${Object.entries(/** @type {Record<string, unknown>} */ (v)).map(([k, x]) => html`<div><dt>${k}</dt><dd>${detail(x)}</dd></div>`)}</dl>`;
  }
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return formatDate(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/**
 * `<acm-status-home>`: the home page. One tile per registered status provider, green / orange /
 * red with a one-line summary; a tile opens its details. Refreshed every 10 s and soon after any
 * live message.
 */
export class AcmStatusHome extends LitElement {
  static properties = { tiles: { state: true }, open: { state: true }, error: { state: true }, updatedAt: { state: true } };

  constructor() {
    super();
    /** @type {any[]} */
    this.tiles = [];
    this.open = '';
    this.error = '';
    /** @type {Date | null} */
    this.updatedAt = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.soon = undefined;
    this.loading = false;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => void this.load(), 10000);
    this.off = live.subscribe(() => {
      if (this.soon) return;
      this.soon = setTimeout(() => { this.soon = undefined; void this.load(); }, 1000);
    });
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.soon = undefined;
    this.off?.();
  }

  async load() {
    if (this.loading) return;
    this.loading = true;
    try {
      this.tiles = await api('GET', '/api/plugins/status/tiles');
      this.error = '';
      this.updatedAt = new Date();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.loading = false;
    }
  }

  /** @param {string} id */
  toggle(id) { this.open = this.open === id ? '' : id; }

  render() {
    const bad = this.tiles.filter((t) => t.state === 'red').length;
    const warn = this.tiles.filter((t) => t.state === 'orange').length;
    const openTile = this.tiles.find((t) => t.id === this.open);
    return html`
      <header class="page-head"><h1>Home</h1>
        <p class="summary-line" aria-live="polite">${bad ? `${bad} problem${bad > 1 ? 's' : ''}` : 'No problems'}${warn ? `, ${warn} warning${warn > 1 ? 's' : ''}` : ''}
          ${this.updatedAt ? html`<span class="muted"> · updated ${this.updatedAt.toLocaleTimeString()}</span>` : nothing}</p></header>
      ${this.error ? html`<p class="alert error" role="alert">Status could not be read: ${this.error}</p>` : nothing}
      <ul class="tiles">
        ${this.tiles.map((t) => html`<li class="tile ${t.state}" data-tile=${t.id}>
          <button type="button" class="tile-button" aria-expanded=${this.open === t.id ? 'true' : 'false'} aria-controls="tile-details" @click=${() => this.toggle(t.id)}>
            <span class="tile-head"><span class="tile-title">${t.title}</span><span class="tile-state">${STATE_WORDS[t.state] ?? t.state}</span></span>
            <span class="tile-summary">${t.summary}</span>
          </button>
        </li>`)}
      </ul>
      ${!this.tiles.length && !this.error ? html`<p class="muted">No status tiles yet.</p>` : nothing}
      <section id="tile-details" class="tile-details" aria-live="polite" ?hidden=${!openTile}>
        ${openTile ? html`<h2>${openTile.title} <span class="badge ${openTile.state}">${STATE_WORDS[openTile.state] ?? openTile.state}</span></h2>
          <p>${openTile.summary}</p>
          ${openTile.details ? detail(openTile.details) : html`<p class="muted">No details.</p>`}
          ${openTile.link ? html`<p><a href=${openTile.link.startsWith('#') ? openTile.link : `#${openTile.link}`}>Open ${openTile.title}</a></p>` : nothing}` : nothing}
      </section>`;
  }
}
customElements.define('acm-status-home', AcmStatusHome);
