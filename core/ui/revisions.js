// @ts-check
import { LitElement, css, html, nothing } from 'lit';
import { api, ApiError, can, confirmDialog, formatDate, notifyChanged, sessionExpired } from './api.js';
import { refOptions } from './form.js';
import './table.js';

/**
 * Revisions (the configuration backups of each cluster): the list per cluster, one revision's
 * files and their content, the unified diff between two revisions rendered line by line, and
 * rollback with a confirmation. Routes: `#/revisions` and `#/revisions/<id>`.
 */

/** Styles of the revision and batch pages (CSP allows no inline style: a constructed sheet). */
const STYLES = css`
  .rev-summary { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); padding: .7rem 1rem; margin-bottom: 1rem; }
  .rev-summary dl { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0; }
  .rev-summary dt { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
  .rev-summary dd { margin: 0; font-weight: 500; }
  .rev-summary .error-text { color: var(--red); font-weight: 500; white-space: pre-wrap; }
  .outcome { padding: .55rem .8rem; border-radius: var(--radius); margin: 0 0 1rem; border: 1px solid var(--line); }
  .outcome.green { background: var(--green-bg); color: var(--green); border-color: #b8dec5; }
  .outcome.red { background: var(--red-bg); color: var(--red); border-color: #f0c2bf; }
  .outcome.grey { background: var(--grey-bg); color: var(--grey); }
  .tabs { display: flex; gap: .2rem; border-bottom: 1px solid var(--line); margin-bottom: .8rem; }
  .tabs [role=tab] { border: 1px solid transparent; border-bottom: 0; border-radius: var(--radius) var(--radius) 0 0; background: none; margin-bottom: -1px; padding: .45rem 1rem; }
  .tabs [role=tab][aria-selected=true] { background: var(--panel); border-color: var(--line); font-weight: 600; color: var(--brand-dark); }
  .rev-files { display: grid; grid-template-columns: minmax(16rem, 24rem) minmax(0, 1fr); gap: 1rem; align-items: start; }
  .rev-files > * { min-width: 0; }
  .rev-files ul.file-list { list-style: none; margin: 0; padding: .3rem 0; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); max-height: 70vh; overflow: auto; }
  .rev-files ul.file-list button { display: flex; justify-content: space-between; gap: .6rem; width: 100%; border: 0; border-radius: 0; background: none; text-align: left; padding: .3rem .8rem; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .84rem; }
  .rev-files ul.file-list button[aria-current=true] { background: var(--brand-soft); color: var(--brand-dark); font-weight: 600; }
  .rev-files ul.file-list .fname { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .rev-files ul.file-list .size { flex: none; color: var(--muted); font-family: system-ui, sans-serif; font-size: .78rem; white-space: nowrap; }
  .rev-files ul.file-list .changed-mark { color: var(--orange); font-weight: 700; }
  .code-pane { margin: 0; background: #fbfcfd; border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); padding: .7rem .9rem; max-height: 70vh; overflow: auto;
    font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .84rem; line-height: 1.45; white-space: pre; tab-size: 8; }
  .code-pane:focus-visible { outline: 3px solid var(--focus); }
  .pane-head { display: flex; align-items: baseline; gap: .8rem; margin: 0 0 .4rem; font-size: .9rem; }
  .pane-head code { font-weight: 600; }
  .diff-controls { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem 1.2rem; margin-bottom: .8rem; }
  .diff-file { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); margin-bottom: 1rem; overflow: hidden; }
  .diff-file h3 { margin: 0; padding: .45rem .8rem; font-size: .9rem; background: #f3f6fa; border-bottom: 1px solid var(--line); display: flex; gap: 1rem; align-items: baseline; }
  .diff-file h3 .name { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
  .diff-stat .plus { color: var(--green); }
  .diff-stat .minus { color: var(--red); }
  .diff-scroll { overflow-x: auto; }
  table.diff { border-collapse: collapse; width: 100%; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82rem; line-height: 1.4; }
  table.diff td { padding: 0 .5rem; vertical-align: top; white-space: pre; }
  table.diff td.ln { width: 1%; min-width: 3rem; text-align: right; color: #7b8594; background: #f8fafc; user-select: none; border-right: 1px solid var(--line-soft); }
  table.diff td.mark { width: 1%; padding: 0 .2rem 0 .5rem; user-select: none; font-weight: 700; }
  table.diff tr.add td { background: #e6f6ea; }
  table.diff tr.add td.ln { background: #d3eedb; }
  table.diff tr.add td.mark { color: var(--green); }
  table.diff tr.del td { background: #fbe9e8; }
  table.diff tr.del td.ln { background: #f6d6d4; }
  table.diff tr.del td.mark { color: var(--red); }
  table.diff tr.hunk td { background: var(--brand-soft); color: var(--brand-dark); padding: .15rem .5rem; }
  table.diff tr.meta td { color: var(--muted); font-style: italic; }
  .batch-form { max-width: 60rem; }
  .batch-form fieldset.section { margin-bottom: .9rem; }
  acm-batch-page > .summary-line, acm-revisions-page > .summary-line { margin-bottom: 1rem; }
  .batch-form .fields { grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
  .batch-form .template-kind { display: flex; gap: 1.2rem; border: 0; padding: 0; margin: 0 0 .6rem; }
  .batch-form .cluster-list { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; border: 0; padding: 0; margin: 0; }
  .batch-form .hint { font-size: .8rem; color: var(--muted); margin: .25rem 0 0; }
  .batch-form .batch-buttons { display: flex; gap: .6rem; align-items: center; margin: .2rem 0 1rem; flex-wrap: wrap; }
  .verdict { display: inline-block; font-weight: 800; letter-spacing: .06em; padding: .1rem .7rem; border-radius: var(--radius); margin-right: .6rem; }
  .verdict.valid { background: var(--green); color: #fff; }
  .verdict.invalid { background: var(--red); color: #fff; }
  .batch-result { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); padding: .8rem 1rem; margin-top: 1rem; max-width: 60rem; }
  .batch-result ul.problems { margin: .5rem 0 0; padding-left: 1.2rem; }
  .batch-result ul.problems li { margin: .2rem 0; }
  .batch-result .problem-field { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82rem; color: var(--muted); margin-right: .4rem; }
  .batch-result progress { width: 100%; }
  @media (max-width: 900px) { .rev-files { grid-template-columns: 1fr; } }
`;
let styled = false;
/** Adds the pages' style sheet to the document once (the pages render into the light DOM). */
export function adoptPageStyles() {
  if (styled) return;
  styled = true;
  const sheet = STYLES.styleSheet;
  if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** Revision and commit outcome states → badge colour. */
export const STATUS_COLOURS = /** @type {Record<string, string>} */ ({ deployed: 'green', 'restart-required': 'orange', failed: 'red', pending: 'orange', changed: 'orange', unchanged: 'grey' });
export const statusBadge = (/** @type {string} */ s) => html`<span class="badge ${STATUS_COLOURS[s] ?? 'grey'}">${s}</span>`;

/**
 * GETs a text resource (a file, a diff), with the same re-login flow as api().
 * @param {string} path @returns {Promise<string>}
 */
export async function apiText(path) {
  for (;;) {
    const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/plain, text/x-diff, application/problem+json' } });
    if (res.status === 401) {
      await sessionExpired();
      continue;
    }
    const text = await res.text();
    if (!res.ok) {
      let problem;
      try { problem = JSON.parse(text); } catch { problem = { detail: text }; }
      throw new ApiError(res.status, problem);
    }
    return text;
  }
}

/** `/api/revisions/3/files/acm/pjsip.acm.conf`: each segment of the name encoded, the slashes kept. */
export const fileUrl = (/** @type {number} */ id, /** @type {string} */ name) => `/api/revisions/${id}/files/${name.split('/').map(encodeURIComponent).join('/')}`;

/**
 * @typedef {{kind: 'add' | 'del' | 'ctx' | 'hunk' | 'meta', text: string, oldNo?: number, newNo?: number}} DiffLine
 * @typedef {{oldName: string, newName: string, name: string, added: number, removed: number, lines: DiffLine[]}} DiffFile
 */

/** `r12/acm/pjsip.acm.conf<TAB>header` → `acm/pjsip.acm.conf` (the API prefixes `r<id>/` or `empty/`). */
const bareName = (/** @type {string} */ s) => s.replace(/\t.*$/, '').replace(/^(?:r\d+|empty|a|b)\//, '');

/**
 * Parses a unified diff (one or more files) into lines with their old and new line numbers.
 * Hunk line counts decide where a hunk ends, so a removed line that starts with `--` is never
 * taken for a file header.
 * @param {string} text @returns {DiffFile[]}
 */
export function parseDiff(text) {
  /** @type {DiffFile[]} */
  const files = [];
  /** @type {DiffFile | null} */
  let cur = null;
  let oldLeft = 0; let newLeft = 0; let oldNo = 0; let newNo = 0;
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (cur && (oldLeft > 0 || newLeft > 0)) {
      const c = line[0];
      if (c === '\\') { cur.lines.push({ kind: 'meta', text: line }); continue; }
      if (c === '+') { cur.lines.push({ kind: 'add', text: line.slice(1), newNo: newNo++ }); newLeft--; cur.added++; continue; }
      if (c === '-') { cur.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++ }); oldLeft--; cur.removed++; continue; }
      cur.lines.push({ kind: 'ctx', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
      oldLeft--; newLeft--;
      continue;
    }
    if (line.startsWith('\\')) { cur?.lines.push({ kind: 'meta', text: line }); continue; }
    if (/^={5,}$/.test(line) || line.startsWith('Index: ')) continue;
    if (line.startsWith('--- ')) {
      cur = { oldName: line.slice(4), newName: '', name: bareName(line.slice(4)), added: 0, removed: 0, lines: [] };
      files.push(cur);
      continue;
    }
    if (line.startsWith('+++ ') && cur && !cur.newName) {
      cur.newName = line.slice(4);
      cur.name = bareName(line.slice(4));
      continue;
    }
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && cur) {
      oldNo = Number(m[1]); oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newNo = Number(m[3]); newLeft = m[4] === undefined ? 1 : Number(m[4]);
      // A count of 0 names the line before the (empty) range.
      if (oldLeft === 0) oldNo++;
      if (newLeft === 0) newNo++;
      cur.lines.push({ kind: 'hunk', text: line });
      continue;
    }
    if (cur && line) cur.lines.push({ kind: 'meta', text: line });
  }
  return files;
}

/** Lines shown before "Show all" (a first deployment diffs every file against nothing). */
const DIFF_LINE_LIMIT = 3000;

/**
 * `<acm-diff-view>`: a unified diff rendered line by line, one table per file, with old and new
 * line numbers and +/- marks (coloured, and as text for those who do not see the colours).
 * Everything is rendered as text: the content is configuration, never markup.
 */
export class AcmDiffView extends LitElement {
  static properties = { diff: { type: String }, showAll: { state: true } };
  constructor() { super(); this.diff = ''; this.showAll = false; }
  createRenderRoot() { return this; }
  /** @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (changed.has('diff')) { this.files = parseDiff(this.diff ?? ''); this.showAll = false; }
  }
  render() {
    const files = /** @type {DiffFile[]} */ (this.files ?? []);
    if (!files.length) return html`<p class="note">No differences: the two revisions hold the same files.</p>`;
    const total = files.reduce((n, f) => n + f.lines.length, 0);
    let budget = this.showAll ? Infinity : DIFF_LINE_LIMIT;
    const added = files.reduce((n, f) => n + f.added, 0);
    const removed = files.reduce((n, f) => n + f.removed, 0);
    return html`<p class="summary-line diff-stat">${files.length} ${files.length === 1 ? 'file' : 'files'} changed,
        <span class="plus">${added} ${added === 1 ? 'line' : 'lines'} added</span>, <span class="minus">${removed} removed</span></p>
      ${files.map((f) => {
        const shown = budget >= f.lines.length ? f.lines : f.lines.slice(0, Math.max(0, budget));
        budget -= shown.length;
        return html`<section class="diff-file" data-file=${f.name} aria-label="Changes in ${f.name}">
          <h3><span class="name">${f.name}</span><span class="diff-stat"><span class="plus">+${f.added}</span> <span class="minus">−${f.removed}</span></span></h3>
          <div class="diff-scroll"><table class="diff"><tbody>
            ${shown.map((l) => l.kind === 'hunk' || l.kind === 'meta'
              ? html`<tr class=${l.kind}><td colspan="4">${l.text}</td></tr>`
              : html`<tr class=${l.kind}><td class="ln">${l.oldNo ?? ''}</td><td class="ln">${l.newNo ?? ''}</td><td class="mark">${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}</td><td class="code">${l.text}</td></tr>`)}
          </tbody></table></div>
          ${shown.length < f.lines.length ? html`<p class="note">${f.lines.length - shown.length} more lines not shown.</p>` : nothing}
        </section>`;
      })}
      ${total > DIFF_LINE_LIMIT && !this.showAll ? html`<button type="button" @click=${() => { this.showAll = true; }}>Show all ${total} lines</button>` : nothing}`;
  }
}
customElements.define('acm-diff-view', AcmDiffView);

const CLUSTER_KEY = 'acm.revisions.cluster';

/** `<acm-revisions-page>`: `sub` '' → the list; `<id>` → one revision. */
export class AcmRevisionsPage extends LitElement {
  static properties = { sub: { type: String }, cluster: { state: true }, clusters: { state: true } };
  constructor() {
    super();
    this.sub = '';
    this.cluster = sessionStorage.getItem(CLUSTER_KEY) ?? '';
    /** @type {{value: number, label: string}[]} */
    this.clusters = [];
    /** @type {Record<string, unknown>} */
    this.query = this.cluster ? { clusterId: this.cluster } : {};
  }
  createRenderRoot() { return this; }
  connectedCallback() {
    super.connectedCallback();
    adoptPageStyles();
    void refOptions('clusterId').then((c) => { this.clusters = c; });
  }
  /** @param {Event} e */
  pickCluster(e) {
    this.cluster = /** @type {HTMLSelectElement} */ (e.target).value;
    sessionStorage.setItem(CLUSTER_KEY, this.cluster);
    this.query = this.cluster ? { clusterId: this.cluster } : {};
  }
  render() {
    const id = Number(this.sub.split('/')[0]);
    if (this.sub && Number.isInteger(id) && id > 0) return html`<acm-revision-detail .revisionId=${id} .clusters=${this.clusters}></acm-revision-detail>`;
    const cname = new Map(this.clusters.map((c) => [c.value, c.label]));
    const link = (/** @type {number | null} */ rid) => (rid ? html`<a href="#/revisions/${rid}">${rid}</a>` : '');
    return html`<header class="page-head"><h1>Revisions</h1>
        <label class="inline">Cluster
          <select @change=${this.pickCluster}>
            <option value="">All clusters</option>
            ${this.clusters.map((c) => html`<option value=${c.value} ?selected=${String(c.value) === this.cluster}>${c.label}</option>`)}
          </select></label>
      </header>
      <p class="summary-line">Every commit stores the cluster's complete configuration as a revision: open one to see its files, what changed, or to roll back to it.</p>
      <acm-table .path=${'/api/revisions'} caption="Revisions" storage-key="revisions" .query=${this.query} .searchable=${false} .actions=${['view']}
        .rowLabel=${(/** @type {any} */ r) => `revision ${r.id}`}
        .columns=${[
          { key: 'id', label: 'Revision', sortable: false },
          { key: 'createdAt', label: 'When', sortable: false, format: (/** @type {any} */ r) => formatDate(r.createdAt), csv: (/** @type {any} */ r) => r.createdAt },
          { key: 'clusterId', label: 'Cluster', sortable: false, format: (/** @type {any} */ r) => cname.get(r.clusterId) ?? r.clusterId, csv: (/** @type {any} */ r) => String(cname.get(r.clusterId) ?? r.clusterId) },
          { key: 'author', label: 'Author', sortable: false },
          { key: 'status', label: 'Status', sortable: false, format: (/** @type {any} */ r) => statusBadge(r.status) },
          { key: 'changed', label: 'Changed files', sortable: false, format: (/** @type {any} */ r) => (r.changed ?? []).join(', '), csv: (/** @type {any} */ r) => (r.changed ?? []).join(' ') },
          { key: 'rollbackOf', label: 'Rollback of', sortable: false, format: (/** @type {any} */ r) => link(r.rollbackOf), csv: (/** @type {any} */ r) => String(r.rollbackOf ?? '') },
          { key: 'previousId', label: 'Previous', sortable: false, hidden: true, format: (/** @type {any} */ r) => link(r.previousId), csv: (/** @type {any} */ r) => String(r.previousId ?? '') },
          { key: 'error', label: 'Error', sortable: false },
        ]}
        @acm-action=${(/** @type {CustomEvent} */ e) => { if (e.detail.action === 'view') location.hash = `#/revisions/${e.detail.row.id}`; }}></acm-table>`;
  }
}
customElements.define('acm-revisions-page', AcmRevisionsPage);

/** `<acm-revision-detail>`: one revision — summary, Files / Diff tabs, Rollback. */
export class AcmRevisionDetail extends LitElement {
  static properties = {
    revisionId: { type: Number }, clusters: { attribute: false },
    rev: { state: true }, error: { state: true }, tab: { state: true },
    file: { state: true }, content: { state: true }, contentError: { state: true },
    against: { state: true }, siblings: { state: true }, diff: { state: true }, diffError: { state: true }, diffLoading: { state: true },
    outcome: { state: true }, rollingBack: { state: true },
  };
  constructor() {
    super();
    this.revisionId = 0;
    /** @type {{value: number, label: string}[]} */
    this.clusters = [];
    /** @type {any} */
    this.rev = null;
    this.error = '';
    /** @type {'diff' | 'files'} */
    this.tab = 'diff';
    this.file = '';
    /** @type {string | null} */
    this.content = null;
    this.contentError = '';
    /** @type {string} '' = the previous revision, '0' = nothing, else an id */
    this.against = '';
    /** @type {any[]} */
    this.siblings = [];
    /** @type {string | null} */
    this.diff = null;
    this.diffError = '';
    this.diffLoading = false;
    /** @type {any} */
    this.outcome = null;
    this.rollingBack = false;
    this.seq = 0;
  }
  createRenderRoot() { return this; }
  /** @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (changed.has('revisionId')) {
      this.rev = null; this.error = ''; this.file = ''; this.content = null; this.diff = null; this.against = ''; this.outcome = null;
      void this.load();
    }
  }
  get clusterName() {
    return this.clusters.find((c) => c.value === this.rev?.clusterId)?.label ?? (this.rev ? `cluster ${this.rev.clusterId}` : '');
  }
  async load() {
    const id = this.revisionId;
    try {
      const rev = await api('GET', `/api/revisions/${id}`);
      if (id !== this.revisionId) return;
      this.rev = rev;
      void this.loadDiff();
      const res = await api('GET', `/api/revisions?clusterId=${rev.clusterId}&pageSize=200`);
      if (id === this.revisionId) this.siblings = res.items.filter((/** @type {any} */ r) => r.id !== id);
    } catch (err) {
      if (id === this.revisionId) this.error = err instanceof ApiError && err.status === 404 ? `There is no revision ${id}, or your role may not see its cluster.` : String(err instanceof Error ? err.message : err);
    }
  }
  async loadDiff() {
    const seq = ++this.seq;
    this.diffLoading = true;
    this.diffError = '';
    try {
      const q = this.against === '' ? '' : `?against=${encodeURIComponent(this.against)}`;
      const text = await apiText(`/api/revisions/${this.revisionId}/diff${q}`);
      if (seq === this.seq) this.diff = text;
    } catch (err) {
      if (seq === this.seq) { this.diff = null; this.diffError = err instanceof Error ? err.message : String(err); }
    } finally {
      if (seq === this.seq) this.diffLoading = false;
    }
  }
  /** @param {string} name */
  async openFile(name) {
    this.file = name;
    this.content = null;
    this.contentError = '';
    try {
      const text = await apiText(fileUrl(this.revisionId, name));
      if (this.file === name) this.content = text;
    } catch (err) {
      if (this.file === name) this.contentError = err instanceof Error ? err.message : String(err);
    }
  }
  async rollback() {
    const rev = this.rev;
    const cluster = this.clusterName;
    const ok = await confirmDialog(`Roll back cluster ${cluster} to revision ${rev.id}? Its files are pushed to every server of ${cluster} and reloaded, as a new revision.`, 'Roll back');
    if (!ok) return;
    this.rollingBack = true;
    this.outcome = null;
    try {
      const res = await api('POST', `/api/revisions/${rev.id}/rollback`);
      this.outcome = res?.revisions?.[0] ?? { status: 'failed', error: 'the server sent no outcome' };
      notifyChanged();
    } catch (err) {
      this.outcome = { status: 'failed', clusterId: rev.clusterId, error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.rollingBack = false;
    }
  }
  /** @param {'diff' | 'files'} tab */
  selectTab(tab) {
    this.tab = tab;
    if (tab === 'files' && !this.file && this.rev?.files?.length) void this.openFile(this.rev.files[0].name);
  }
  /** @param {KeyboardEvent} e */
  tabKeys(e) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    this.selectTab(this.tab === 'diff' ? 'files' : 'diff');
    void this.updateComplete.then(() => /** @type {HTMLElement | null} */ (this.querySelector('[role=tab][aria-selected=true]'))?.focus());
  }
  outcomeView() {
    const o = this.outcome;
    if (this.rollingBack) return html`<div class="outcome grey" role="status"><p>Rolling back ${this.clusterName} to revision ${this.rev.id}…</p><progress aria-label="Rollback in progress"></progress></div>`;
    if (!o) return nothing;
    const colour = STATUS_COLOURS[o.status] ?? 'grey';
    const text = o.status === 'deployed' ? html`Rollback deployed to ${o.cluster ?? this.clusterName} as revision <a href="#/revisions/${o.id}">${o.id}</a>.`
      : o.status === 'unchanged' ? html`Nothing to do: ${o.cluster ?? this.clusterName} already runs these files.`
        : html`Rollback failed${o.id ? html` (revision <a href="#/revisions/${o.id}">${o.id}</a>)` : nothing}: ${o.error ?? 'no reason given'}`;
    // What each server holds after the rollback: every file's hash checked on it, as `acm verify` does.
    const held = (o.servers ?? []).map((/** @type {any} */ v) => {
      const differ = v.files.filter((/** @type {any} */ f) => !f.ok).map((/** @type {any} */ f) => f.name);
      return html`<li data-server=${v.server}>${v.server}: ${v.status} — ${v.files.length - differ.length} of ${v.files.length} files as deployed${differ.length ? `; differ: ${differ.join(', ')}` : ''}${v.error ? ` (${v.error})` : ''}</li>`;
    });
    return html`<div class="outcome ${colour}" role="alert" data-status=${o.status}>${statusBadge(o.status)} ${text}
      ${held.length ? html`<ul class="held" aria-label="What each server holds">${held}</ul>` : nothing}</div>`;
  }
  filesView() {
    const rev = this.rev;
    const changed = new Set(rev.changed ?? []);
    return html`<div class="rev-files">
      <ul class="file-list" aria-label="Files of revision ${rev.id}">
        ${(rev.files ?? []).map((/** @type {any} */ f) => html`<li><button type="button" aria-current=${this.file === f.name ? 'true' : 'false'} @click=${() => this.openFile(f.name)}
          title=${`sha256 ${f.sha256}${f.reload ? ` · reload ${f.reload}` : ''}`}>
          <span class="fname">${changed.has(f.name) ? html`<span class="changed-mark" title="changed in this revision">● </span>` : nothing}${f.name}</span>
          <span class="size">${f.size ?? ''} B</span></button></li>`)}
        ${!rev.files?.length ? html`<li class="note">No files.</li>` : nothing}
      </ul>
      <div>${this.file ? html`
        <p class="pane-head"><code>${this.file}</code>${changed.has(this.file) ? html`<span class="badge orange">changed</span>` : nothing}</p>
        ${this.contentError ? html`<p class="alert error" role="alert">${this.contentError}</p>`
          : this.content === null ? html`<p class="loading">Loading…</p>`
            : html`<pre class="code-pane file-content" tabindex="0" aria-label="Content of ${this.file}">${this.content}</pre>`}`
        : html`<p class="note">Pick a file to see its content.</p>`}</div>
    </div>`;
  }
  diffView() {
    const rev = this.rev;
    return html`<div class="diff-controls">
        <label class="inline">Compare with
          <select class="against" @change=${(/** @type {Event} */ e) => { this.against = /** @type {HTMLSelectElement} */ (e.target).value; void this.loadDiff(); }}>
            <option value="" ?selected=${this.against === ''}>${rev.previousId ? `the previous deployed revision (${rev.previousId})` : 'the previous revision (none: everything is new)'}</option>
            <option value="0" ?selected=${this.against === '0'}>nothing (show every line)</option>
            ${this.siblings.map((s) => html`<option value=${s.id} ?selected=${this.against === String(s.id)}>revision ${s.id} · ${s.status} · ${formatDate(s.createdAt)}</option>`)}
          </select></label>
        ${this.diffLoading ? html`<span class="loading">Loading…</span>` : nothing}
      </div>
      ${this.diffError ? html`<p class="alert error" role="alert">${this.diffError}</p>` : nothing}
      ${this.diff !== null ? html`<acm-diff-view .diff=${this.diff}></acm-diff-view>` : nothing}`;
  }
  render() {
    if (this.error) return html`<header class="page-head"><h1>Revision ${this.revisionId}</h1><a class="back" href="#/revisions">← Revisions</a></header><p class="alert error" role="alert">${this.error}</p>`;
    const rev = this.rev;
    if (!rev) return html`<header class="page-head"><h1>Revision ${this.revisionId}</h1><a class="back" href="#/revisions">← Revisions</a></header><p class="loading">Loading…</p>`;
    return html`<header class="page-head"><h1>Revision ${rev.id} <small>of ${this.clusterName}</small></h1> ${statusBadge(rev.status)}
        ${can('core.commit:write') ? html`<button type="button" class="primary danger rollback" ?disabled=${this.rollingBack} @click=${() => this.rollback()}>Roll back to this revision</button>` : nothing}
        <a class="back" href="#/revisions">← Revisions</a></header>
      ${this.outcomeView()}
      <section class="rev-summary" aria-label="Revision details"><dl>
        <div><dt>Cluster</dt><dd>${this.clusterName}</dd></div>
        <div><dt>When</dt><dd>${formatDate(rev.createdAt)}</dd></div>
        <div><dt>Author</dt><dd>${rev.author}</dd></div>
        <div><dt>Changed files</dt><dd>${rev.changed?.length ? rev.changed.join(', ') : 'none'}</dd></div>
        <div><dt>Previous</dt><dd>${rev.previousId ? html`<a href="#/revisions/${rev.previousId}">${rev.previousId}</a>` : 'none'}</dd></div>
        ${rev.rollbackOf ? html`<div><dt>Rollback of</dt><dd><a href="#/revisions/${rev.rollbackOf}">${rev.rollbackOf}</a></dd></div>` : nothing}
        ${rev.error ? html`<div><dt>Error</dt><dd class="error-text">${rev.error}</dd></div>` : nothing}
      </dl></section>
      <div class="tabs" role="tablist" aria-label="Revision views" @keydown=${this.tabKeys}>
        <button type="button" role="tab" id="rev-tab-diff" aria-controls="rev-panel" aria-selected=${this.tab === 'diff' ? 'true' : 'false'} tabindex=${this.tab === 'diff' ? '0' : '-1'} @click=${() => this.selectTab('diff')}>Changes</button>
        <button type="button" role="tab" id="rev-tab-files" aria-controls="rev-panel" aria-selected=${this.tab === 'files' ? 'true' : 'false'} tabindex=${this.tab === 'files' ? '0' : '-1'} @click=${() => this.selectTab('files')}>Files (${rev.files?.length ?? 0})</button>
      </div>
      <div id="rev-panel" role="tabpanel" aria-labelledby=${this.tab === 'diff' ? 'rev-tab-diff' : 'rev-tab-files'}>${this.tab === 'diff' ? this.diffView() : this.filesView()}</div>`;
  }
}
customElements.define('acm-revision-detail', AcmRevisionDetail);

