// @ts-check
// The queues page (`#/queues`): the queues as a resource page of the SDK's kit (list, add,
// change, copy, delete); below the list each queue live — calls waiting, the longest wait
// (ticking), service level, answered/abandoned, agents available/paused/busy/logged in — and
// the agents (of every queue, or of the one picked) with their state, time in it (ticking),
// calls and last call, pause (reason from the plugin's list), resume and log-out. Everything
// live over /api/events (`queue` and `agent`), without reloading.
import { html, nothing } from 'lit';
import { AcmResourcePage, api, can, clusterName, duration, formatDate, onPluginEvent, toast } from 'acm/sdk.js';

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
const queueKey = (/** @type {any} */ q) => `${q.clusterId}|${q.queue}`;
const BADGE = /** @type {Record<string, string>} */ ({ available: 'green', paused: 'orange', busy: 'red' });

/** `<acm-queues-page>`: the kit's page for queues plus the live figures and agents. */
export class AcmQueuesPage extends AcmResourcePage {
  static properties = {
    ...AcmResourcePage.properties, agents: { state: true }, reasons: { state: true }, live: { state: true }, selected: { state: true }, now: { state: true },
  };

  constructor() {
    super();
    this.def = QUEUES;
    /** @type {Map<string, any>} */
    this.agents = new Map();
    /** Summary rows by `cluster|queue`, each with `at`: when it arrived (the longest wait ticks from there). @type {Map<string, any>} */
    this.live = new Map();
    /** The queue whose agents are shown (`cluster|queue`), '' for every queue. */
    this.selected = '';
    /** @type {string[]} */
    this.reasons = [];
    this.now = Date.now();
    /** @type {(() => void)[]} */
    this.unsubscribe = [];
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.ticker = undefined;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.loadAgents();
    void this.loadSummary();
    this.unsubscribe = [
      onPluginEvent('queues', 'agent', (a) => {
        if (a === null) { void this.loadAgents(); return; }
        const next = new Map(this.agents);
        if (a.state === 'logged-out') next.delete(key(a));
        else next.set(key(a), a);
        this.agents = next;
      }),
      onPluginEvent('queues', 'queue', (q) => {
        if (q === null) { void this.loadSummary(); return; }
        this.live = new Map(this.live).set(queueKey(q), { ...q, at: Date.now() });
      }),
    ];
    // Waits and times in state tick in the browser between events.
    this.ticker = setInterval(() => { this.now = Date.now(); }, 1000);
  }

  disconnectedCallback() {
    for (const off of this.unsubscribe) off();
    clearInterval(this.ticker);
    super.disconnectedCallback();
  }

  async loadAgents() {
    try {
      const r = await api('GET', `${API}/agents`);
      this.agents = new Map(r.items.map((/** @type {any} */ a) => [key(a), a]));
      this.reasons = r.reasons;
    } catch { /* the list shows what the events bring */ }
  }

  async loadSummary() {
    try {
      const r = await api('GET', `${API}/summary`);
      const at = Date.now();
      this.live = new Map(r.items.map((/** @type {any} */ q) => [queueKey(q), { ...q, at }]));
    } catch { /* the figures come with the events */ }
  }

  /** @param {string} what @param {any} body */
  async act(what, body) {
    try { await api('POST', `${API}/agents/${what}`, body); } catch (err) { toast(`${what}: ${err instanceof Error ? err.message : String(err)}`, 'error'); }
  }

  /** The longest wait now: the server's figure plus the time since it came. @param {any} q */
  longest(q) {
    return q.callers ? q.longestWaitSeconds + Math.max(0, Math.floor((this.now - q.at) / 1000)) : 0;
  }

  /** Seconds an agent has been in its state. @param {any} a */
  inState(a) {
    const since = Date.parse(a.since);
    return Number.isNaN(since) ? null : Math.max(0, Math.floor((this.now - since) / 1000));
  }

  renderLive() {
    const rows = [...this.live.values()];
    const num = (/** @type {string} */ col, /** @type {unknown} */ v) => html`<td class="num" data-col=${col}>${v}</td>`;
    return html`<section class="sec-part" aria-labelledby="queues-live-h">
      <div class="part-head"><h2 id="queues-live-h">Live</h2></div>
      <div class="table-wrap"><table class="grid compact">
        <caption class="visually-hidden">Each queue, live</caption>
        <thead><tr><th scope="col">Queue</th><th scope="col">Cluster</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">Longest wait</th>
          <th scope="col" class="num">Service level</th><th scope="col" class="num">Answered</th><th scope="col" class="num">Abandoned</th>
          <th scope="col" class="num">Available</th><th scope="col" class="num">Paused</th><th scope="col" class="num">Busy</th><th scope="col" class="num">Logged in</th>
          <th scope="col"><span class="visually-hidden">Agents</span></th></tr></thead>
        <tbody>${rows.map((q) => html`<tr data-queue=${queueKey(q)} class=${this.selected === queueKey(q) ? 'selected' : ''}>
          <th scope="row">${q.queue}</th><td>${clusterName(q)}</td>
          ${num('callers', q.callers)}${num('longest', duration(this.longest(q)))}
          ${num('service-level', q.serviceLevelPercent === null || q.serviceLevelPercent === undefined ? '—' : `${q.serviceLevelPercent} %`)}
          ${num('answered', q.answered)}${num('abandoned', q.abandoned)}
          ${num('available', q.available)}${num('paused', q.paused)}${num('busy', q.busy)}${num('logged-in', q.loggedIn)}
          <td class="actions"><button type="button" class="small" aria-pressed=${this.selected === queueKey(q) ? 'true' : 'false'}
            @click=${() => { this.selected = this.selected === queueKey(q) ? '' : queueKey(q); }}>Agents of ${q.queue}</button></td></tr>`)}
          ${!rows.length ? html`<tr><td class="empty" colspan="12">No queue seen yet.</td></tr>` : nothing}</tbody>
      </table></div>
    </section>`;
  }

  render() {
    const page = super.render();
    if (this.sub) return page;
    const write = can('queues.agent:write');
    const picked = this.live.get(this.selected);
    const rows = [...this.agents.values()].filter((a) => !this.selected || `${a.clusterId}|${a.queue}` === this.selected);
    return html`${page}${this.renderLive()}
      <section class="sec-part" aria-labelledby="queues-agents-h">
        <div class="part-head"><h2 id="queues-agents-h">${this.selected ? `Agents of ${picked?.queue ?? this.selected.split('|')[1]}` : 'Agents'}</h2>
          ${this.selected ? html`<button type="button" class="small" @click=${() => { this.selected = ''; }}>Every queue</button>` : nothing}</div>
        <div class="table-wrap"><table class="grid compact">
          <caption class="visually-hidden">Queue members, live</caption>
          <thead><tr><th scope="col">Queue</th><th scope="col">Agent</th><th scope="col">State</th><th scope="col">In state</th><th scope="col">Since</th>
            <th scope="col" class="num">Calls</th><th scope="col">Last call</th>${write ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>${rows.map((a) => html`<tr data-agent=${key(a)}>
            <td>${a.queue}</td><td>${a.name} <code>${a.interface}</code></td>
            <td data-col="state"><span class="badge ${BADGE[a.state] ?? 'grey'}">${a.state}${a.pausedReason ? `: ${a.pausedReason}` : ''}</span></td>
            <td data-col="in-state">${duration(this.inState(a))}</td>
            <td>${formatDate(a.since)}</td><td class="num" data-col="calls">${a.callsTaken}</td><td data-col="last-call">${a.lastCall ? formatDate(a.lastCall) : '—'}</td>
            ${write ? html`<td class="actions">${a.paused
              ? html`<button type="button" class="small" @click=${() => void this.act('unpause', this.ids(a))}>Resume</button>`
              : html`<select aria-label="Pause ${a.name}" @change=${(/** @type {Event} */ e) => { const reason = /** @type {HTMLSelectElement} */ (e.target).value; if (reason) void this.act('pause', { ...this.ids(a), reason }); }}>
                  <option value="">Pause…</option>${this.reasons.map((r) => html`<option value=${r}>${r}</option>`)}</select>`}</td>` : nothing}</tr>`)}
            ${!rows.length ? html`<tr><td class="empty" colspan=${write ? 8 : 7}>No agent is logged in.</td></tr>` : nothing}</tbody>
        </table></div>
      </section>`;
  }

  /** The ids the agent actions take, from what the table row knows. @param {any} a */
  ids(a) { return { queueId: a.queueId, extensionId: a.extensionId }; }
}

if (!customElements.get('acm-queues-page')) customElements.define('acm-queues-page', AcmQueuesPage);
