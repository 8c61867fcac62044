// @ts-check
// The inbound page (`#/inbound/<tab>`): routes, IVR menus, business hours, announcements and group mailboxes, each a resource
// page of the SDK's kit (list, add, change, copy, delete) under a tab. Destinations, menu options
// and open rules are edited as JSON in the kit's form. Prompts are sound names: a system sound
// (custom/welcome) or an uploaded recording as the Recordings page names it (acm/t<tenant>/<name>).
import { html } from 'lit';
import { AcmResourcePage } from 'acm/sdk.js';

const API = '/api/plugins/inbound';

/** A destination as one short text. @param {any} d */
const dest = (d) => {
  if (!d) return '';
  const id = d.number ?? d.queueId ?? d.ivrId ?? d.hoursId ?? d.announcementId ?? d.roomId ?? d.mailboxId;
  return id === undefined ? d.type : `${d.type} ${id}`;
};

/** @type {Record<string, import('acm/sdk.js').ResourceDef>} */
const TABS = {
  routes: {
    name: 'routes', path: `${API}/routes`, route: 'inbound/routes', title: 'Inbound routes', singular: 'route', schema: 'InboundRouteInput',
    permission: 'inbound.route', clusterFilter: true, rowLabel: (r) => `route ${r.did ?? 'catch-all'}`,
    sections: [{ title: 'Route', fields: ['clusterId', 'trunkId', 'did', 'description', 'callerIdNamePrefix', 'destination'] }],
    columns: [
      { key: 'did', label: 'DID', format: (r) => r.did ?? 'any (catch-all)' }, { key: 'trunkId', label: 'Trunk', format: (r) => r.trunkId ?? 'every trunk' },
      { key: 'callerIdNamePrefix', label: 'Name prefix' }, { key: 'destination', label: 'Destination', sortable: false, format: (r) => dest(r.destination) },
      { key: 'description', label: 'Description' },
    ],
  },
  ivrs: {
    name: 'ivrs', path: `${API}/ivrs`, route: 'inbound/ivrs', title: 'IVR menus', singular: 'IVR menu', schema: 'InboundIvrInput',
    permission: 'inbound.ivr', clusterFilter: true, rowLabel: (r) => `IVR ${r.name}`,
    sections: [
      { title: 'Menu', fields: ['clusterId', 'name', 'description', 'prompt', 'timeout', 'retries', 'directDial'] },
      { title: 'Digits', fields: ['options', 'invalid', 'timeoutDestination'] },
    ],
    columns: [
      { key: 'name', label: 'Menu' }, { key: 'prompt', label: 'Prompt' },
      { key: 'options', label: 'Digits', sortable: false, format: (r) => r.options.map((/** @type {any} */ o) => o.digit).join(' ') },
      { key: 'directDial', label: 'Direct dial', format: (r) => (r.directDial ? 'yes' : 'no') }, { key: 'description', label: 'Description' },
    ],
  },
  hours: {
    name: 'hours', path: `${API}/hours`, route: 'inbound/hours', title: 'Business hours', singular: 'business hours', schema: 'InboundHoursInput',
    permission: 'inbound.hours', rowLabel: (r) => `hours ${r.name}`,
    sections: [
      { title: 'Business hours', fields: ['name', 'description', 'active', 'queueId'] },
      { title: 'Rules', fields: ['open', 'holidays', 'destinations'] },
    ],
    columns: [
      { key: 'name', label: 'Name' }, { key: 'active', label: 'Active', format: (r) => (r.active ? 'yes' : 'no') },
      { key: 'queueId', label: 'Queue', format: (r) => r.queueId ?? '' },
      { key: 'open', label: 'Open', sortable: false, format: (r) => r.open.map((/** @type {any} */ o) => `${o.days.join(',')} ${o.from}-${o.to}`).join('; ') },
      { key: 'holidays', label: 'Holidays', sortable: false, format: (r) => r.holidays.length }, { key: 'description', label: 'Description' },
    ],
  },
  announcements: {
    name: 'announcements', path: `${API}/announcements`, route: 'inbound/announcements', title: 'Announcements', singular: 'announcement', schema: 'InboundAnnouncementInput',
    permission: 'inbound.announcement', clusterFilter: true, rowLabel: (r) => `announcement ${r.name}`,
    sections: [{ title: 'Announcement', fields: ['clusterId', 'name', 'description', 'prompt', 'repeat', 'answer', 'then'] }],
    columns: [
      { key: 'name', label: 'Name' }, { key: 'prompt', label: 'Prompt' }, { key: 'repeat', label: 'Plays' },
      { key: 'answer', label: 'Answers', format: (r) => (r.answer ? 'yes' : 'no (early media)') },
      { key: 'then', label: 'Then', sortable: false, format: (r) => dest(r.then) }, { key: 'description', label: 'Description' },
    ],
  },
  mailboxes: {
    name: 'mailboxes', path: `${API}/mailboxes`, route: 'inbound/mailboxes', title: 'Group mailboxes', singular: 'group mailbox', schema: 'InboundMailboxInput',
    permission: 'inbound.mailbox', clusterFilter: true, rowLabel: (r) => `mailbox ${r.number}`,
    sections: [{ title: 'Mailbox', fields: ['clusterId', 'number', 'name', 'pin', 'emails', 'queueId'] }],
    columns: [
      { key: 'number', label: 'Box' }, { key: 'name', label: 'Name' }, { key: 'queueId', label: 'Queue', format: (r) => r.queueId ?? '' },
      { key: 'emails', label: 'Emails', sortable: false, format: (r) => r.emails.join(', ') }, { key: 'listen', label: 'Listen at', sortable: false, format: (r) => `*98${r.number}` },
    ],
  },
};
const ORDER = /** @type {const} */ (['routes', 'ivrs', 'hours', 'announcements', 'mailboxes']);

/** `<acm-inbound-page>`: the kit's page of the tab the route names (`#/inbound/ivrs/5/edit`). */
export class AcmInboundPage extends AcmResourcePage {
  constructor() {
    super();
    this.tab = 'routes';
    this.def = TABS.routes ?? null;
  }

  /** The shell hands the route after `#/inbound/`: the first part picks the tab, the kit's page takes the rest. @param {Map<string, unknown>} changed */
  willUpdate(changed) {
    if (!changed.has('sub')) return;
    const [tab = '', ...rest] = this.sub.split('/');
    if (!(tab in TABS)) return;
    if (tab !== this.tab) { this.cluster = ''; this.query = {}; }
    this.tab = tab;
    this.def = TABS[tab] ?? null;
    this.sub = rest.join('/');
  }

  render() {
    return html`<nav class="subnav" aria-label="Inbound">
        ${ORDER.map((t) => html`<a href="#/inbound/${t}" aria-current=${t === this.tab ? 'page' : 'false'}>${TABS[t]?.title}</a>`)}
      </nav>
      ${super.render()}`;
  }
}

if (!customElements.get('acm-inbound-page')) customElements.define('acm-inbound-page', AcmInboundPage);
