// @ts-check
// The server-health page (`#/health`): per server its state, each metric with its text and
// thresholds, and a sparkline of the last 24 h (inline SVG) from /servers/:id/history. Live:
// a `health` event replaces its server's row; a reconnect reads everything again.
import { LitElement, html, svg, nothing } from 'lit';
import { api, can, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

const API = '/api/plugins/monitoring';

/**
 * A sparkline of [time, value] points, scaled to its own range, as an inline SVG polyline.
 * @param {[number, number][]} points
 */
export function sparkline(points, width = 120, height = 24) {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return nothing;
  const t0 = first[0];
  const t1 = last[0];
  const values = points.map((p) => p[1]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (/** @type {number} */ t) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * width);
  const y = (/** @type {number} */ v) => (hi === lo ? height / 2 : height - ((v - lo) / (hi - lo)) * (height - 2) - 1);
  const line = points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
  return html`<svg class="sparkline" width=${width} height=${height} viewBox="0 0 ${width} ${height}" role="img" aria-label=${`from ${lo} to ${hi}`}>
    ${svg`<polyline points=${line} fill="none" stroke="currentColor" stroke-width="1.5"></polyline>`}</svg>`;
}

export class AcmHealthPage extends LitElement {
  static properties = { servers: { state: true }, history: { state: true }, error: { state: true } };

  constructor() {
    super();
    /** @type {any[]} */
    this.servers = [];
    /** Points per server id, then metric key. @type {Map<number, Record<string, [number, number][]>>} */
    this.history = new Map();
    this.error = '';
    /** @type {(() => void) | undefined} */
    this.off = undefined;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
    this.off = onPluginEvent('monitoring', 'health', (data) => {
      if (!data) return void this.load();
      this.servers = this.servers.some((s) => s.serverId === data.serverId)
        ? this.servers.map((s) => (s.serverId === data.serverId ? data : s)) : [...this.servers, data];
      void this.loadHistory(data.serverId);
    });
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.off?.();
  }

  async load() {
    try {
      this.servers = (await api('GET', `${API}/servers`)).items;
      this.error = '';
      await Promise.all(this.servers.map((s) => this.loadHistory(s.serverId)));
    } catch (e) {
      this.error = /** @type {Error} */ (e).message;
    }
  }

  /** @param {number} id */
  async loadHistory(id) {
    const h = await api('GET', `${API}/servers/${id}/history`);
    this.history = new Map(this.history).set(id, h.metrics);
  }

  async roundNow() {
    try {
      this.servers = (await api('POST', `${API}/round`)).items;
      await Promise.all(this.servers.map((s) => this.loadHistory(s.serverId)));
      toast("Health round done.");
    } catch (e) {
      toast(/** @type {Error} */ (e).message, 'error');
    }
  }

  render() {
    return html`<header class="page-head"><h1>Server health</h1>
        ${can('monitoring.health:write') ? html`<button type="button" @click=${() => this.roundNow()}>Check now</button>` : nothing}</header>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!this.servers.length && !this.error ? html`<p class="summary-line">No health round yet.</p>` : nothing}
      ${this.servers.map((s) => this.server(s))}`;
  }

  /** @param {any} s */
  server(s) {
    const points = this.history.get(s.serverId) ?? {};
    return html`<section class="sec-part" data-server=${s.name}>
      <div class="part-head"><h2>${s.cluster} / ${s.name}</h2> <span class="badge ${s.state}">${s.state}</span>
        <span class="summary-line">${s.at ? `checked ${formatDate(new Date(s.at).toISOString())}` : ''}</span></div>
      <div class="table-wrap"><table class="grid"><caption>Metrics of ${s.name}</caption>
        <thead><tr><th scope="col">Metric</th><th scope="col">State</th><th scope="col">Now</th><th scope="col">Warning</th><th scope="col">Critical</th><th scope="col">24 h</th></tr></thead>
        <tbody>${s.metrics.map((/** @type {any} */ m) => html`<tr data-metric=${m.key}>
          <th scope="row">${m.label}</th><td><span class="badge ${m.state}">${m.state}</span></td><td>${m.text}</td>
          <td>${m.warning ?? ''}</td><td>${m.critical ?? ''}</td><td>${sparkline(points[m.key] ?? [])}</td></tr>`)}</tbody>
      </table></div></section>`;
  }
}
customElements.define('acm-health-page', AcmHealthPage);
