// @ts-check
import { LitElement, html, nothing } from 'lit';
import { api, ApiError, can, humanize, notifyChanged, toast, formatDate, deviceState } from './api.js';

/** @type {Map<string, Promise<Record<string, any>>>} */
const schemaDocs = new Map();
/**
 * Input schemas by name, fetched once per document: the core's from `components.schemas` of
 * /api/openapi.json, a plugin's from a route of its own answering `{<Name>: <JSON Schema>}`.
 * @param {string} [source] URL of the document
 * @returns {Promise<Record<string, any>>}
 */
export function inputSchemas(source = '/api/openapi.json') {
  let p = schemaDocs.get(source);
  if (!p) {
    p = api('GET', source).then((d) => d?.components?.schemas ?? d ?? {});
    p.catch(() => schemaDocs.delete(source));
    schemaDocs.set(source, p);
  }
  return p;
}

/** Field labels that humanize() cannot guess. */
const LABELS = /** @type {Record<string, string>} */ ({
  clusterId: 'Cluster', groupId: 'Group', siteId: 'Site', tenantId: 'Tenant', templateExtensionId: 'Template extension',
  callerId: 'Caller ID', defaultUser: 'SIP user name', authUser: 'Auth user', secret: 'SIP password', md5Secret: 'MD5 secret',
  vmSecret: 'Voicemail PIN', mailbox: 'Mailbox', amaFlags: 'AMA flags', canReinvite: 'Direct media (canreinvite)',
  defaultIp: 'Default IP', dtmfMode: 'DTMF mode', nat: 'NAT', acl: 'ACL', cfwdSet: 'Call forward on', cfwdTo: 'Forward to',
  canCallForward: 'May forward calls', restrictCid: 'Hide caller ID', rtpTimeout: 'RTP timeout (s)', rtpHoldTimeout: 'RTP hold timeout (s)',
  phoneProv: 'Provisioning template', phoneMac: 'Phone MAC', callbackExtension: 'Callback extension', musicOnHold: 'Music on hold',
  callLimit: 'Call limit', directory: 'In directory', vip: 'VIP', asteriskConfigDir: 'Asterisk config dir', maxChannels: 'Max channels',
  outboundPatterns: 'Outbound patterns', sshHostKey: 'SSH host key (SHA256)', fallback: 'Fallback destination', qualify: 'Qualify',
});
export const label = (/** @type {string} */ k) => LABELS[k] ?? humanize(k);

/** Fields named `<x>Id` refer to another object: which list to pick from, and how to name a row. */
const REFS = /** @type {Record<string, {path: string, name: (r: any) => string}>} */ ({
  tenantId: { path: '/api/tenants', name: (r) => r.name },
  siteId: { path: '/api/sites', name: (r) => r.name },
  clusterId: { path: '/api/clusters', name: (r) => r.name },
  groupId: { path: '/api/groups', name: (r) => r.name },
  templateExtensionId: { path: '/api/extensions', name: (r) => `${r.extension} ${r.name}` },
});

/** @type {Map<string, Promise<{value: number, label: string}[]>>} */
const refCache = new Map();
/** Options for a reference field, cached for the page's life (cleared after saves). */
export function refOptions(/** @type {string} */ field) {
  const ref = REFS[field];
  if (!ref) return Promise.resolve([]);
  let p = refCache.get(field);
  if (!p) {
    p = api('GET', `${ref.path}?pageSize=1000&sort=${field === 'templateExtensionId' ? 'extension' : 'name'}`)
      .then((res) => res.items.map((/** @type {any} */ r) => ({ value: r.id, label: ref.name(r) })))
      .catch(() => []);
    refCache.set(field, p);
  }
  return p;
}
export function clearRefCache() { refCache.clear(); }

/**
 * A field's shape from its JSON schema (nullable `anyOf [T, null]` unwrapped).
 * @param {any} s
 */
function shape(s) {
  let nullable = false;
  if (Array.isArray(s.anyOf)) {
    const non = s.anyOf.filter((/** @type {any} */ x) => x.type !== 'null');
    nullable = non.length < s.anyOf.length;
    s = non[0] ?? {};
  }
  return { ...s, nullable };
}

/** Objects, unions and lists of objects with such members have no form controls: edited as JSON. @param {any} s */
function isJson(s) {
  const deep = (/** @type {any} */ x) => x.type === 'object' || x.type === 'array' || Array.isArray(x.oneOf) || Array.isArray(x.anyOf);
  return s.type === 'object' || Array.isArray(s.oneOf) || (s.type === 'array' && s.items?.type === 'object' && Object.values(s.items.properties ?? {}).some(deep));
}

/**
 * @typedef {object} Section
 * @property {string} title
 * @property {string[]} fields
 */

/**
 * @typedef {object} FieldHint
 * @property {'datetime'} [input]  `datetime`: a date-and-time picker in local time, sent as ISO 8601 UTC
 * @property {string} [label]      instead of the label guessed from the field name
 * @property {boolean} [fixed]     set when the object is made, read-only when changing it (the API refuses a change)
 */

/** ISO 8601 → the `YYYY-MM-DDTHH:mm` of a datetime-local input, in local time. @param {unknown} v */
function toLocalInput(v) {
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v ?? '');
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * `<acm-object-form>`: Add / View / Change / Copy of any object, generated from its API input
 * schema (JSON Schema as zod writes it). Core objects: `resource` + `schema-name` (the schema
 * from /api/openapi.json). Plugin objects add `path` (the collection's URL) and `schema-source`
 * (a route of the plugin answering `{<schema-name>: <JSON Schema>}`). Fields grouped by
 * `sections` (anything not listed lands in "Other"); the API's `problems` shown next to their
 * fields; read-only without `<permission>:write`; a change sends only the fields it changed
 * (partial PUT). Keeps what the user typed across a session expiry (the call waits for the new
 * login, then retries). Emits `acm-saved` (detail: the saved object), `acm-cancel`, `acm-edit`.
 */
export class AcmObjectForm extends LitElement {
  static properties = {
    resource: { type: String },
    schemaName: { attribute: 'schema-name', type: String },
    permission: { type: String },
    mode: { type: String },
    itemId: { attribute: 'item-id', type: Number },
    path: { type: String },
    schemaSource: { attribute: 'schema-source', type: String },
    sections: { attribute: false },
    hints: { attribute: false },
    schema: { state: true },
    item: { state: true },
    values: { state: true },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
    refs: { state: true },
  };

  constructor() {
    super();
    this.resource = '';
    this.schemaName = '';
    this.permission = '';
    /** @type {'new' | 'view' | 'edit' | 'copy'} */
    this.mode = 'view';
    this.itemId = 0;
    /** @type {Section[] | null} */
    this.sections = null;
    /** the collection's URL; default `/api/<resource>` */
    this.path = '';
    /** where the schema comes from; default the OpenAPI document */
    this.schemaSource = '';
    /** @type {Record<string, FieldHint>} how to show particular fields */
    this.hints = {};
    /** @type {any} */
    this.schema = null;
    /** @type {Record<string, any> | null} */
    this.item = null;
    /** @type {Record<string, any>} */
    this.values = {};
    /** @type {Record<string, string>} */
    this.errors = {};
    this.formError = '';
    this.saving = false;
    /** @type {Record<string, {value: number, label: string}[]>} */
    this.refs = {};
    /** @type {Record<string, any>} values passed in for a new object (e.g. the cluster picked in the list) */
    this.defaults = {};
  }

  createRenderRoot() { return this; }

  get writable() { return can(`${this.permission}:write`) && this.mode !== 'view'; }

  /** @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (['resource', 'path', 'schemaName', 'schemaSource', 'itemId', 'mode'].some((k) => changed.has(k))) void this.load();
  }

  get base() { return this.path || `/api/${this.resource}`; }

  async load() {
    try {
      const schemas = await inputSchemas(this.schemaSource || undefined);
      const schema = schemas[this.schemaName];
      if (!schema) throw new Error(`no schema ${this.schemaName}`);
      const item = this.itemId ? await api('GET', `${this.base}/${this.itemId}`) : null;
      const refs = /** @type {Record<string, any>} */ ({});
      await Promise.all(Object.keys(schema.properties).filter((k) => REFS[k]).map(async (k) => { refs[k] = await refOptions(k); }));
      /** @type {Record<string, any>} */
      const values = {};
      for (const [k, raw] of Object.entries(schema.properties)) {
        const s = shape(raw);
        const v = item ? item[k] : this.defaults[k] ?? s.default;
        values[k] = this.hints[k]?.input === 'datetime' && v ? toLocalInput(v) : this.toText(s, v);
      }
      if (this.mode === 'copy' && item) {
        if ('extension' in values) values.extension = '';
        else if ('name' in values) values.name = `${item.name}-copy`;
      }
      this.schema = schema;
      this.item = item;
      this.refs = refs;
      this.values = values;
      this.original = { ...values };
      this.errors = {};
      this.formError = '';
    } catch (err) {
      this.formError = err instanceof Error ? err.message : String(err);
    }
  }

  /** A value as the form shows it. @param {any} s @param {any} v */
  toText(s, v) {
    if (v === null || v === undefined) return s.type === 'boolean' ? false : '';
    if (s.type === 'boolean') return !!v;
    if (isJson(s)) return JSON.stringify(v, null, 1);
    if (s.type === 'array') {
      if (s.items?.type === 'object') return v.map((/** @type {any} */ o) => Object.keys(s.items.properties).map((p) => o[p]).join(' ')).join('\n');
      return v.join(', ');
    }
    return String(v);
  }

  /** The API value of a form value. @param {any} s @param {any} v @param {FieldHint} [hint] */
  fromText(s, v, hint) {
    if (s.type === 'boolean') return !!v;
    const t = String(v ?? '').trim();
    if (t === '') return s.nullable ? null : undefined;
    if (hint?.input === 'datetime') {
      const d = new Date(t);
      return Number.isNaN(d.getTime()) ? t : d.toISOString();
    }
    if (s.type === 'integer' || s.type === 'number') return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
    // Not JSON: sent as typed, the API's 422 names the field.
    if (isJson(s)) { try { return JSON.parse(t); } catch { return t; } }
    if (s.type === 'array') {
      if (s.items?.type === 'object') {
        const props = Object.keys(s.items.properties);
        return t.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
          const parts = line.split(/\s+/);
          return Object.fromEntries(props.map((p, i) => [p, i === props.length - 1 ? parts.slice(i).join(' ') : parts[i]]));
        });
      }
      return t.split(',').map((x) => x.trim()).filter(Boolean);
    }
    return t;
  }

  isSecret(/** @type {string} */ k) { return !!this.item && `${k}Set` in this.item; }

  body() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const [k, raw] of Object.entries(this.schema.properties)) {
      const s = shape(raw);
      const v = this.values[k];
      const changed = JSON.stringify(v) !== JSON.stringify(this.original?.[k]);
      if (this.isSecret(k) && (v === '' || v === undefined)) continue;
      if (this.mode === 'new') {
        const x = this.fromText(s, v, this.hints[k]);
        if (x !== undefined && x !== null) out[k] = x;
      } else if (changed) {
        const x = this.fromText(s, v, this.hints[k]);
        out[k] = x === undefined ? null : x;
      }
    }
    return out;
  }

  /** @param {Event} e */
  async submit(e) {
    e.preventDefault();
    if (!this.writable || this.saving) return;
    this.saving = true;
    this.errors = {};
    this.formError = '';
    try {
      const body = this.body();
      const base = this.base;
      const saved = this.mode === 'new' ? await api('POST', base, body)
        : this.mode === 'copy' ? await api('POST', `${base}/${this.itemId}/copy`, body)
          : await api('PUT', `${base}/${this.itemId}`, body);
      clearRefCache();
      notifyChanged();
      toast(`Saved ${saved?.name ?? saved?.extension ?? saved?.number ?? ''}.`.replace(' .', '.'));
      this.dispatchEvent(new CustomEvent('acm-saved', { detail: saved, bubbles: true }));
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) {
        /** @type {Record<string, string>} */
        const errors = {};
        const other = [];
        for (const p of err.problems) {
          const field = String(p.field ?? '').split('.')[0] ?? '';
          if (field && this.schema.properties[field]) errors[field] = errors[field] ? `${errors[field]}; ${p.message}` : p.message;
          else other.push(p.field ? `${p.field}: ${p.message}` : p.message);
        }
        this.errors = errors;
        this.formError = other.length ? other.join('; ') : 'Please correct the fields marked below.';
        await this.updateComplete;
        const first = /** @type {HTMLElement | null} */ (this.querySelector('[aria-invalid="true"]'));
        first?.focus();
      } else {
        this.formError = err instanceof Error ? err.message : String(err);
      }
    } finally {
      this.saving = false;
    }
  }

  /** @param {string} k @param {Event} e */
  input(k, e) {
    const el = /** @type {HTMLInputElement} */ (e.target);
    this.values = { ...this.values, [k]: el.type === 'checkbox' ? el.checked : el.value };
  }

  /** @param {string} k */
  field(k) {
    const raw = this.schema.properties[k];
    if (!raw) return nothing;
    const s = shape(raw);
    const id = `f-${this.resource}-${k}`;
    const err = this.errors[k];
    const ro = !this.writable || (this.mode === 'edit' && !!this.hints[k]?.fixed);
    const required = (this.schema.required ?? []).includes(k) && s.default === undefined;
    const v = this.values[k];
    const describedBy = err ? `${id}-err` : nothing;
    let control;
    if (s.type === 'boolean') {
      control = html`<input id=${id} name=${k} type="checkbox" .checked=${!!v} ?disabled=${ro} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${describedBy} @change=${(/** @type {Event} */ e) => this.input(k, e)}>`;
    } else if (REFS[k] || s.enum) {
      const opts = REFS[k] ? (this.refs[k] ?? []).map((o) => ({ value: String(o.value), label: o.label })) : s.enum.map((/** @type {string} */ x) => ({ value: x, label: x }));
      control = html`<select id=${id} name=${k} ?disabled=${ro} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${describedBy} ?required=${required}
        @change=${(/** @type {Event} */ e) => this.input(k, e)}>
        <option value="" ?selected=${v === ''}>${required ? 'Choose…' : '—'}</option>
        ${opts.map((/** @type {any} */ o) => html`<option value=${o.value} ?selected=${o.value === v}>${o.label}</option>`)}
      </select>`;
    } else if ((s.type === 'array' && s.items?.type === 'object') || (s.maxLength ?? 0) > 1000 || isJson(s)) {
      const hint = isJson(s) ? 'JSON' : s.type === 'array' ? `one per line: ${Object.keys(s.items.properties).join(' ')}` : '';
      control = html`<textarea id=${id} name=${k} rows="4" ?readonly=${ro} aria-invalid=${err ? 'true' : 'false'} aria-describedby=${describedBy}
        placeholder=${hint} .value=${String(v ?? '')} @input=${(/** @type {Event} */ e) => this.input(k, e)}></textarea>`;
    } else if (this.hints[k]?.input === 'datetime') {
      control = html`<input id=${id} name=${k} type="datetime-local" ?readonly=${ro} ?required=${required} aria-invalid=${err ? 'true' : 'false'}
        aria-describedby=${describedBy} .value=${String(v ?? '')} @input=${(/** @type {Event} */ e) => this.input(k, e)}>`;
    } else {
      const secret = this.isSecret(k) || /secret|password|Pin$/.test(k);
      const placeholder = this.isSecret(k) && this.item?.[`${k}Set`] ? 'set — leave empty to keep' : s.type === 'array' ? 'comma-separated' : '';
      control = html`<input id=${id} name=${k} type=${secret ? 'password' : 'text'} autocomplete=${secret ? 'new-password' : 'off'}
        inputmode=${s.type === 'integer' ? 'numeric' : nothing} ?readonly=${ro} ?required=${required} aria-invalid=${err ? 'true' : 'false'}
        aria-describedby=${describedBy} placeholder=${placeholder} .value=${String(v ?? '')} @input=${(/** @type {Event} */ e) => this.input(k, e)}>`;
    }
    return html`<div class="field ${s.type === 'boolean' ? 'field-check' : ''} ${err ? 'invalid' : ''}" data-field=${k}>
      <label for=${id}>${this.hints[k]?.label ?? label(k)}${required && !ro ? html`<span class="req" aria-hidden="true">*</span>` : nothing}</label>
      ${control}
      ${err ? html`<p class="field-error" id="${id}-err">${err}</p>` : nothing}
    </div>`;
  }

  liveBlock() {
    const it = this.item;
    if (!it || this.resource !== 'extensions' || this.mode === 'copy') return nothing;
    return html`<section class="live-summary" aria-label="Live status">
      <dl>
        <div><dt>Device</dt><dd>${deviceState(it.extStatus)}</dd></div>
        <div><dt>Agent</dt><dd>${it.agentStatus ?? '—'}</dd></div>
        <div><dt>Registered at</dt><dd>${it.ipAddr ?? 'not registered'}</dd></div>
        <div><dt>Phone</dt><dd>${it.userAgent ?? '—'}</dd></div>
        <div><dt>Voicemail</dt><dd>${it.vmUnread ?? 0} new / ${it.vmOld ?? 0} old</dd></div>
        <div><dt>Last change</dt><dd>${formatDate(it.updatedAt)}</dd></div>
      </dl>
    </section>`;
  }

  render() {
    if (!this.schema) return this.formError ? html`<p class="alert error" role="alert">${this.formError}</p>` : html`<p class="loading">Loading…</p>`;
    const all = Object.keys(this.schema.properties);
    const sections = this.sections ?? [{ title: 'Details', fields: all }];
    const listed = new Set(sections.flatMap((s) => s.fields));
    const rest = all.filter((k) => !listed.has(k));
    const groups = [...sections, ...(rest.length ? [{ title: 'Other', fields: rest }] : [])];
    return html`
      ${this.writable ? nothing : html`<p class="note">${this.mode === 'view' ? 'Viewing' : 'Your role may not change this'} — fields are read-only.</p>`}
      ${this.liveBlock()}
      <form class="object-form" novalidate @submit=${this.submit} aria-describedby="form-error-${this.resource}">
        <div id="form-error-${this.resource}" class="form-error-slot" role="alert">${this.formError ? html`<p class="alert error">${this.formError}</p>` : nothing}</div>
        <div class="sections">
          ${groups.map((g) => html`<fieldset class="section"><legend>${g.title}</legend>
            <div class="fields">${g.fields.map((k) => this.field(k))}</div></fieldset>`)}
        </div>
        <div class="form-buttons">
          ${this.writable ? html`<button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : this.mode === 'new' ? 'Add' : this.mode === 'copy' ? 'Save copy' : 'Save'}</button>` : nothing}
          ${this.mode === 'view' && can(`${this.permission}:write`) ? html`<button type="button" class="primary" @click=${() => this.dispatchEvent(new CustomEvent('acm-edit', { bubbles: true }))}>Change</button>` : nothing}
          <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('acm-cancel', { bubbles: true }))}>${this.writable ? 'Cancel' : 'Back'}</button>
        </div>
      </form>`;
  }
}
customElements.define('acm-object-form', AcmObjectForm);

/** The extension form's sections, in the order a helpdesk reads them. */
export const EXTENSION_SECTIONS = [
  { title: 'Identity', fields: ['clusterId', 'extension', 'name', 'callerId', 'accountCode', 'language', 'directory'] },
  { title: 'Phone & authentication', fields: ['protocol', 'type', 'host', 'defaultUser', 'authUser', 'secret', 'md5Secret', 'fromUser', 'fromDomain', 'defaultIp', 'port', 'qualify', 'callLimit'] },
  { title: 'Voicemail', fields: ['mailbox', 'vmSecret'] },
  { title: 'Rights & contexts', fields: ['context', 'canCallForward', 'cfwdSet', 'cfwdTo', 'restrictCid', 'amaFlags', 'callbackExtension', 'musicOnHold'] },
  { title: 'Groups', fields: ['groupId', 'callGroup', 'pickupGroup', 'queue'] },
  { title: 'Media, NAT & codecs', fields: ['nat', 'canReinvite', 'dtmfMode', 'disallow', 'allow', 'encryption', 'rtpTimeout', 'rtpHoldTimeout', 'insecure'] },
  { title: 'ACL', fields: ['acl', 'permit', 'deny', 'mask'] },
  { title: 'Provisioning', fields: ['phoneProv', 'phoneMac', 'profile'] },
  { title: 'Roaming & fallback', fields: ['fallback'] },
];
