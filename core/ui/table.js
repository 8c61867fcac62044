// @ts-check
import { LitElement, html, nothing } from 'lit';
import { api, confirmDialog, notifyChanged, toast, ApiError } from './api.js';

/**
 * @typedef {object} Column
 * @property {string} key           API field (also the sort key)
 * @property {string} label
 * @property {(row: any) => unknown} [format]  cell content (text or a Lit template)
 * @property {(row: any) => string} [csv]      CSV value when it differs from the raw field
 * @property {boolean} [sortable]   default true
 * @property {boolean} [hidden]     not shown until chosen in the column chooser
 */

const ACTION_LABELS = /** @type {Record<string, string>} */ ({ view: 'View', edit: 'Change', copy: 'Copy', delete: 'Delete' });

/**
 * `<acm-table>`: the one list component. Server-side search (`q`), sort (`sort=-col`) and
 * pagination over an `{items,total,page,pageSize}` endpoint (or all of it in the browser with
 * `local`), Add / View / Change / Copy / Delete, a column chooser remembered in localStorage and
 * CSV export of the current page. Emits `acm-action` ({action, row}) for add/view/edit/copy;
 * deletes by itself (after a confirm) and reloads.
 */
export class AcmTable extends LitElement {
  static properties = {
    path: { type: String },
    caption: { type: String },
    storageKey: { attribute: 'storage-key', type: String },
    local: { type: Boolean },
    searchable: { type: Boolean },
    pageSize: { attribute: 'page-size', type: Number },
    columns: { attribute: false },
    query: { attribute: false },
    actions: { attribute: false },
    rowLabel: { attribute: false },
    rows: { state: true },
    total: { state: true },
    page: { state: true },
    sort: { state: true },
    q: { state: true },
    loading: { state: true },
    error: { state: true },
    visible: { state: true },
  };

  constructor() {
    super();
    this.path = '';
    this.caption = '';
    this.storageKey = '';
    this.local = false;
    this.searchable = true;
    this.pageSize = 25;
    /** @type {Column[]} */
    this.columns = [];
    /** @type {Record<string, unknown>} */
    this.query = {};
    /** @type {string[]} */
    this.actions = ['view'];
    /** @type {(row: any) => string} */
    this.rowLabel = (row) => String(row.name ?? row.id);
    /** @type {any[]} */
    this.rows = [];
    this.total = 0;
    this.page = 1;
    this.sort = '';
    this.q = '';
    this.loading = false;
    this.error = '';
    /** @type {Set<string> | null} */
    this.visible = null;
    this.seq = 0;
    /** @type {any[] | null} */
    this.all = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.debounce = undefined;
  }

  createRenderRoot() { return this; }

  connectedCallback() {
    super.connectedCallback();
    const saved = this.storageKey ? localStorage.getItem(`acm.columns.${this.storageKey}`) : null;
    if (saved) {
      try { this.visible = new Set(JSON.parse(saved)); } catch { /* ignore a damaged preference */ }
    }
  }

  /** @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (changed.has('path') || changed.has('query')) {
      this.page = 1;
      this.all = null;
      void this.refresh();
    }
  }

  /** Reloads the current page. */
  async refresh() {
    if (!this.path) return;
    const seq = ++this.seq;
    this.loading = true;
    try {
      if (this.local) {
        if (!this.all) this.all = (await api('GET', this.path)).items ?? [];
        if (seq !== this.seq) return;
        this.applyLocal();
      } else {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(this.query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
        if (this.q) params.set('q', this.q);
        if (this.sort) params.set('sort', this.sort);
        params.set('page', String(this.page));
        params.set('pageSize', String(this.pageSize));
        const res = await api('GET', `${this.path}?${params}`);
        if (seq !== this.seq) return;
        this.rows = res.items ?? [];
        this.total = res.total ?? this.rows.length;
      }
      this.error = '';
    } catch (err) {
      if (seq === this.seq) this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
    this.dispatchEvent(new CustomEvent('acm-loaded', { detail: { rows: this.rows, total: this.total } }));
  }

  applyLocal() {
    let rows = [...(this.all ?? [])];
    const q = this.q.toLowerCase();
    if (q) rows = rows.filter((r) => this.columns.some((c) => String(r[c.key] ?? '').toLowerCase().includes(q)));
    if (this.sort) {
      const desc = this.sort.startsWith('-');
      const key = desc ? this.sort.slice(1) : this.sort;
      rows.sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? ''), undefined, { numeric: true }) * (desc ? -1 : 1));
    }
    this.total = rows.length;
    this.rows = rows.slice((this.page - 1) * this.pageSize, this.page * this.pageSize);
  }

  get shownColumns() {
    return this.columns.filter((c) => (this.visible ? this.visible.has(c.key) : !c.hidden));
  }

  /** @param {Column} col */
  toggleSort(col) {
    const cur = this.sort;
    this.sort = cur === col.key ? `-${col.key}` : cur === `-${col.key}` ? '' : col.key;
    this.page = 1;
    void this.refresh();
  }

  /** @param {Event} e */
  onSearch(e) {
    const value = /** @type {HTMLInputElement} */ (e.target).value;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.q = value.trim();
      this.page = 1;
      void this.refresh();
    }, 300);
  }

  /** @param {number} page */
  go(page) {
    this.page = page;
    void this.refresh();
  }

  /** @param {string} key @param {boolean} on */
  chooseColumn(key, on) {
    const set = new Set(this.shownColumns.map((c) => c.key));
    if (on) set.add(key); else set.delete(key);
    if (!set.size) return;
    this.visible = set;
    if (this.storageKey) localStorage.setItem(`acm.columns.${this.storageKey}`, JSON.stringify([...set]));
  }

  /** @param {string} action @param {any} [row] */
  async act(action, row) {
    if (action === 'delete') {
      const label = this.rowLabel(row);
      if (!(await confirmDialog(`Delete ${label}? This cannot be undone.`, 'Delete'))) return;
      try {
        await api('DELETE', `${this.path}/${row.id}`);
        toast(`Deleted ${label}.`);
        notifyChanged();
        this.all = null;
        if (this.rows.length === 1 && this.page > 1) this.page -= 1;
        await this.refresh();
      } catch (err) {
        toast(err instanceof ApiError ? `Could not delete ${label}: ${err.message}` : String(err), 'error');
      }
      return;
    }
    this.dispatchEvent(new CustomEvent('acm-action', { detail: { action, row }, bubbles: true, composed: true }));
  }

  exportCsv() {
    const cols = this.shownColumns;
    const cell = (/** @type {unknown} */ v) => {
      const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [cols.map((c) => cell(c.label)).join(',')];
    for (const r of this.rows) lines.push(cols.map((c) => cell(c.csv ? c.csv(r) : r[c.key])).join(','));
    const blob = new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.storageKey || 'export'}-page${this.page}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  render() {
    const cols = this.shownColumns;
    const rowActions = this.actions.filter((a) => a !== 'add');
    const pages = Math.max(1, Math.ceil(this.total / this.pageSize));
    const from = this.total ? (this.page - 1) * this.pageSize + 1 : 0;
    const to = Math.min(this.total, this.page * this.pageSize);
    const id = this.storageKey || 'table';
    return html`
      <div class="table-toolbar">
        ${this.searchable ? html`<label class="search"><span class="visually-hidden">Search ${this.caption}</span>
          <input type="search" placeholder="Search…" .value=${this.q} @input=${this.onSearch} aria-controls="${id}-grid"></label>` : nothing}
        <span class="spacer"></span>
        ${this.actions.includes('add') ? html`<button type="button" class="primary" @click=${() => this.act('add')}>Add</button>` : nothing}
        <details class="menu">
          <summary>Columns</summary>
          <fieldset class="menu-body"><legend class="visually-hidden">Columns shown</legend>
            ${this.columns.map((c) => html`<label class="check"><input type="checkbox" .checked=${cols.includes(c)}
              @change=${(/** @type {Event} */ e) => this.chooseColumn(c.key, /** @type {HTMLInputElement} */ (e.target).checked)}> ${c.label}</label>`)}
          </fieldset>
        </details>
        <button type="button" @click=${() => this.exportCsv()} ?disabled=${!this.rows.length}>Export CSV</button>
      </div>
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      <div class="table-wrap" aria-busy=${this.loading ? 'true' : 'false'}>
        <table id="${id}-grid" class="grid">
          ${this.caption ? html`<caption class="visually-hidden">${this.caption}</caption>` : nothing}
          <thead><tr>
            ${cols.map((c) => {
              const sorted = this.sort === c.key ? 'ascending' : this.sort === `-${c.key}` ? 'descending' : 'none';
              return html`<th scope="col" aria-sort=${sorted} data-key=${c.key}>
                ${c.sortable === false ? c.label : html`<button type="button" class="sort" @click=${() => this.toggleSort(c)}>
                  ${c.label}<span class="sort-mark" aria-hidden="true">${sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}</span></button>`}
              </th>`;
            })}
            ${rowActions.length ? html`<th scope="col" class="actions"><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr></thead>
          <tbody>
            ${this.rows.map((r) => html`<tr data-id=${r.id}>
              ${cols.map((c, i) => {
                const v = c.format ? c.format(r) : r[c.key];
                const content = v === null || v === undefined ? '' : v;
                return i === 0 && this.actions.includes('view')
                  ? html`<td><a href="" @click=${(/** @type {Event} */ e) => { e.preventDefault(); void this.act('view', r); }}>${content === '' ? '(none)' : content}</a></td>`
                  : html`<td>${content}</td>`;
              })}
              ${rowActions.length ? html`<td class="actions">${rowActions.filter((a) => a !== 'view').map((a) => html`<button type="button" class="small ${a === 'delete' ? 'danger' : ''}"
                  aria-label="${ACTION_LABELS[a]} ${this.rowLabel(r)}" @click=${() => this.act(a, r)}>${ACTION_LABELS[a]}</button>`)}</td>` : nothing}
            </tr>`)}
            ${!this.rows.length && !this.loading ? html`<tr><td class="empty" colspan=${cols.length + 1}>${this.q ? `Nothing matches “${this.q}”.` : 'Nothing here yet.'}</td></tr>` : nothing}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages of ${this.caption}">
        <span class="count" aria-live="polite">${this.total ? `${from}–${to} of ${this.total}` : '0 items'}</span>
        <button type="button" class="small" ?disabled=${this.page <= 1} @click=${() => this.go(1)} aria-label="First page">«</button>
        <button type="button" class="small" ?disabled=${this.page <= 1} @click=${() => this.go(this.page - 1)}>Previous</button>
        <span class="page-no">Page ${this.page} of ${pages}</span>
        <button type="button" class="small" ?disabled=${this.page >= pages} @click=${() => this.go(this.page + 1)}>Next</button>
        <button type="button" class="small" ?disabled=${this.page >= pages} @click=${() => this.go(pages)} aria-label="Last page">»</button>
        <label class="page-size">Rows
          <select @change=${(/** @type {Event} */ e) => { this.pageSize = Number(/** @type {HTMLSelectElement} */ (e.target).value); this.go(1); }}>
            ${[10, 25, 50, 100, 200].map((n) => html`<option value=${n} ?selected=${n === this.pageSize}>${n}</option>`)}
          </select></label>
      </nav>`;
  }
}
customElements.define('acm-table', AcmTable);
