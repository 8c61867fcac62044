// @ts-check
// The queues page (`#/queues`): the queues as a resource page of the SDK's kit (list, add,
// change, copy, delete), and below the list the agents of every queue, live over /api/events,
// with pause (reason from the plugin's list), resume and log-out.
import { html, nothing } from 'lit';
import { AcmResourcePage, api, can, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

const API = '/api/plugins/queues';

/** @type {import('acm/sdk.js').ResourceDef} */
const QUEUES = {
  name: 'queues', path: `${API}/queues`, route: 'queues', title: 'Queues', singular: 'queue', schema: 'QueuesQueueInput', permission: 'queues.queue',
  clusterFilter: true, rowLabel: (r) => `queue ${r.name}`,
  sections: [
    { title: 'Queue', fields: ['clusterId', 'name', 'number', 'description', 'strategy'] },
    { title: 'Ringing', fields: ['timeout', 'retry', 'wrapupTime', 'ringInUse', 'autoPause', 'weight', 'maxCallers'] },
    { title: 'Callers', fields: ['musicClass', 'announceFrequency', 'announcePosition', 'announceHoldTime', 'periodicAnnounceFrequency', 'serviceLevel', 'joinEmpty', 'leaveWhenEmpty'] },
  ],
  columns: [
    { key: 'name', label: 'Queue' }, { key: 'number', label: 'Number' }, { key: 'strategy', label: 'Strategy' },
    { key: 'timeout', label: 'Ring (s)' }, { key: 'serviceLevel', label: 'SL (s)', hidden: true }, { key: 'description', label: 'Description' },
  ],
};

const key = (/** @type {any} */ a) => `${a.clusterId}|${a.queue}|${a.interface}`;

/** `<acm-queues-page>`: the kit's page for queues plus the live agents. */
export class AcmQueuesPage extends AcmResourcePage {
  static properties = { ...AcmResourcePage.properties, agents: { state: true }, reasons: { state: true } };

  constructor() {
    super();
    this.def = QUEUES;
    /** @type {Map<string, any>} */
    this.agents = new Map();
    /** @type {string[]} */
    this.reasons = [];
    /** @type {(() => void) | undefined} */
    this.unsubscribe = undefined;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.loadAgents();
    this.unsubscribe = onPluginEvent('queues', 'agent', (a) => {
      if (a === null) { void this.loadAgents(); return; }
      const next = new Map(this.agents);
      if (a.state === 'logged-out') next.delete(key(a));
      else next.set(key(a), a);
      this.agents = next;
    });
  }

  disconnectedCallback() {
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  async loadAgents() {
    try {
      const r = await api('GET', `${API}/agents`);
      this.agents = new Map(r.items.map((/** @type {any} */ a) => [key(a), a]));
      this.reasons = r.reasons;
    } catch { /* the list shows what the events bring */ }
  }

  /** @param {string} what @param {any} body */
  async act(what, body) {
    try { await api('POST', `${API}/agents/${what}`, body); } catch (err) { toast(`${what}: ${err instanceof Error ? err.message : String(err)}`, 'error'); }
  }

  render() {
    const page = super.render();
    if (this.sub) return page;
    const write = can('queues.agent:write');
    const rows = [...this.agents.values()];
    return html`${page}
      <section class="sec-part" aria-labelledby="queues-agents-h">
        <div class="part-head"><h2 id="queues-agents-h">Agents</h2></div>
        <div class="table-wrap"><table class="grid compact">
          <caption class="visually-hidden">Queue members, live</caption>
          <thead><tr><th scope="col">Queue</th><th scope="col">Agent</th><th scope="col">State</th><th scope="col">Since</th>
            <th scope="col" class="num">Calls</th><th scope="col">Last call</th>${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>${rows.map((a) => html`<tr data-agent=${key(a)}>
            <td>${a.queue}</td><td>${a.name} <code>${a.interface}</code></td>
            <td><span class="badge ${a.state === 'available' ? 'green' : a.state === 'paused' ? 'orange' : 'grey'}">${a.state}${a.pausedReason ? `: ${a.pausedReason}` : ''}</span></td>
            <td>${formatDate(a.since)}</td><td class="num">${a.callsTaken}</td><td>${a.lastCall ? formatDate(a.lastCall) : '—'}</td>
            ${write ? html`<td class="actions">${a.paused
              ? html`<button type="button" class="small" @click=${() => void this.act('unpause', this.ids(a))}>Resume</button>`
              : html`<select aria-label="Pause ${a.name}" @change=${(/** @type {Event} */ e) => { const reason = /** @type {HTMLSelectElement} */ (e.target).value; if (reason) void this.act('pause', { ...this.ids(a), reason }); }}>
                  <option value="">Pause…</option>${this.reasons.map((r) => html`<option value=${r}>${r}</option>`)}</select>`}</td>` : nothing}</tr>`)}
            ${!rows.length ? html`<tr><td class="empty" colspan=${write ? 7 : 6}>No agent is logged in.</td></tr>` : nothing}</tbody>
        </table></div>
      </section>`;
  }

  /** The ids the agent actions take, from what the table row knows. @param {any} a */
  ids(a) { return { queueId: a.queueId, extensionId: a.extensionId }; }
}

if (!customElements.get('acm-queues-page')) customElements.define('acm-queues-page', AcmQueuesPage);
