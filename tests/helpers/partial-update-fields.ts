import fc from 'fast-check';
import type { z } from 'zod';

/**
 * Value generators for every input field of every resource with an update route, for the
 * partial-update property test. Each generator is filtered through the field's own zod schema,
 * so a stricter schema narrows what is tried instead of breaking the test.
 */
export type Gens = Record<string, fc.Arbitrary<unknown>>;

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
/** A name no rendered object treats specially: always starts with the given prefix. */
export const name = (prefix: string) => fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/).map((s) => `${prefix}${s}`);
const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const text = (max = 40) => fc.string({ unit: 'grapheme', maxLength: max });
const port = fc.integer({ min: 1, max: 65535 });
const host = fc.oneof(fc.domain(), fc.ipV4());
const secret = fc.stringMatching(/^[A-Za-z0-9_.-]{8,30}$/);
const prefixOf = (bits: number) => [0, 1, 2, 3].map((i) => (bits >= (i + 1) * 8 ? 255 : bits <= i * 8 ? 0 : (256 - 2 ** (8 - (bits - i * 8))))).join('.');
/** IPv4 networks with the host bits clear, as address/prefix or address/netmask. */
const network = fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 }), fc.boolean()).map(([ip, bits, asMask]) => {
  const mask = prefixOf(bits).split('.').map(Number);
  const net = ip.split('.').map((o, i) => Number(o) & mask[i]!).join('.');
  return `${net}/${asMask ? mask.join('.') : bits}`;
});
const callGroups = fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 4 }).map((a) => a.join(','));
const codecs = fc.subarray(['ulaw', 'alaw', 'g722', 'opus', 'gsm'], { minLength: 1 }).map((a) => a.join(','));
const yesNo = fc.constantFrom('yes', 'no');
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const iface = fc.stringMatching(/^(eth|ens|bond)[0-9]{1,2}$/);

/** Only values the field's schema takes unchanged (a transform would make the expectation wrong). */
export function checked(field: z.ZodType, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const base = arb.filter((v) => {
    const r = field.safeParse(v);
    return r.success && JSON.stringify(r.data) === JSON.stringify(v);
  });
  return field.safeParse(null).success ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

export interface Parents { tenants: number[]; sites: number[]; clusters: number[]; groups: number[]; extensions: number[]; servers: number[] }

export function coreGens(p: Parents): Record<string, Gens> {
  return {
    tenants: { name: name('ten-'), description: text(), dialPrefix: digits(1, 16) },
    sites: { tenantId: fc.constantFrom(...p.tenants), name: name('site-'), description: text(), timezone: fc.constantFrom('Europe/London', 'America/New_York', 'Asia/Tokyo', 'UTC') },
    clusters: {
      siteId: fc.constantFrom(...p.sites), name: name('cl-'), description: text(), vip: ip,
      asteriskConfigDir: fc.stringMatching(/^\/[a-z0-9_]{1,8}(\/[a-z0-9_]{1,8}){0,2}$/), sipBindAddress: fc.ipV4(),
    },
    servers: {
      clusterId: fc.constantFrom(...p.clusters), name: name('srv-'), host, role: fc.constantFrom('primary', 'secondary', 'member'),
      sshPort: port, sshUser: fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/), sshPassword: secret, sshPrivateKey: secret,
      sshHostKey: fc.stringMatching(/^[A-Za-z0-9+/]{43}$/).map((k) => `SHA256:${k}`), amiPort: port, amiUser: word, amiSecret: secret,
      ariPort: port, ariUser: word, ariPassword: secret, sipPort: port, enabled: fc.boolean(),
    },
    groups: {
      tenantId: fc.constantFrom(...p.tenants), name: name('grp-'), description: text(), context: name('ctx-'),
      rights: fc.uniqueArray(name('r-'), { maxLength: 4 }), templateExtensionId: fc.constantFrom(...p.extensions),
    },
    extensions: {
      clusterId: fc.constantFrom(...p.clusters), groupId: fc.constantFrom(...p.groups), name: text(30).map((s) => `Ext ${s}`),
      extension: digits(7, 9), callerId: fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,15}$/), digits(3, 10)).map(([n, d]) => `"${n}" <${d}>`),
      defaultUser: name('u'), authUser: fc.stringMatching(/^[a-z0-9_.]{1,20}$/), secret, mailbox: fc.tuple(digits(3, 8), fc.option(word)).map(([d, c]) => (c ? `${d}@${c}` : d)),
      vmSecret: digits(4, 12), accountCode: fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), context: name('ctx-'),
      amaFlags: fc.constantFrom('default', 'omit', 'billing', 'documentation'), callGroup: callGroups,
      canReinvite: fc.constantFrom('yes', 'no', 'nonat', 'update'), defaultIp: fc.ipV4(),
      dtmfMode: fc.constantFrom('rfc4733', 'rfc2833', 'inband', 'info', 'auto'), fromUser: fc.stringMatching(/^[a-z0-9_.+-]{1,20}$/),
      fromDomain: fc.domain(), host: fc.oneof(fc.constant('dynamic'), host), insecure: fc.constantFrom('port', 'invite', 'port,invite', 'no'),
      language: fc.constantFrom('en', 'en_US', 'fr', 'de_DE'), md5Secret: fc.stringMatching(/^[a-f0-9]{32}$/),
      nat: fc.constantFrom('yes', 'no', 'force_rport', 'comedia', 'force_rport,comedia'), acl: name('acl-'), deny: network, permit: network,
      mask: fc.integer({ min: 8, max: 32 }).map(prefixOf), pickupGroup: callGroups, port: port.map(String),
      qualify: fc.oneof(yesNo, fc.integer({ min: 100, max: 9999 }).map(String)), restrictCid: yesNo,
      rtpTimeout: fc.integer({ min: 1, max: 99999 }).map(String), rtpHoldTimeout: fc.integer({ min: 1, max: 99999 }).map(String),
      type: fc.constantFrom('friend', 'peer', 'user'), disallow: fc.constant('all'), allow: codecs, musicOnHold: name('moh-'),
      canCallForward: yesNo, callLimit: fc.integer({ min: 0, max: 99 }), phoneProv: text(), phoneMac: fc.stringMatching(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/),
      profile: fc.stringMatching(/^p[a-z0-9]{0,10}$/), protocol: fc.constantFrom('pjsip', 'sip', 'iax2'), encryption: yesNo, fallback: text(),
      queue: name('q-'), cfwdSet: yesNo, cfwdTo: digits(3, 15), callbackExtension: digits(3, 10), directory: yesNo,
    },
    trunks: {
      clusterId: fc.constantFrom(...p.clusters), name: name('trk-'), host, port, transport: fc.constantFrom('udp', 'tcp', 'tls'),
      username: fc.stringMatching(/^[a-z0-9_.]{1,20}$/), secret, fromDomain: fc.domain(), fromUser: fc.stringMatching(/^[a-z0-9_.+-]{1,20}$/),
      register: fc.boolean(), codecs, acl: name('acl-'), context: name('ctx-'), maxChannels: fc.integer({ min: 1, max: 100000 }),
      dialPrefix: digits(1, 4), outboundPatterns: fc.subarray(['_9NXXNXXXXXX', '_0X.', '_00X.', '_1NXXNXXXXXX', '_NXXXXXX']), qualify: fc.boolean(),
    },
    acls: {
      tenantId: fc.constantFrom(...p.tenants), name: name('acl-'), description: text(),
      rules: fc.array(fc.record({ action: fc.constantFrom('permit', 'deny'), network }), { minLength: 1, maxLength: 4 }),
    },
  };
}

const future = (fromYear: number) => fc.integer({ min: 0, max: 180 * 24 * 60 }).map((m) => new Date(Date.UTC(fromYear, 0, 1) + m * 60_000).toISOString());

export function conferenceGens(p: Parents): Gens {
  return {
    clusterId: fc.constantFrom(...p.clusters), number: digits(5, 8), startsAt: future(2030), endsAt: future(2031),
    // Not 'none': the base row has a duration, which only recurring rooms take, so 'none' is always refused.
    recurrence: fc.constantFrom('daily', 'weekly', 'monthly'),
    durationMinutes: fc.integer({ min: 1, max: 1440 }), externalNumber: fc.tuple(fc.boolean(), digits(4, 15)).map(([plus, d]) => (plus ? `+${d}` : d)),
    owner: text(), account: text(), description: text(), maxUsers: fc.integer({ min: 1, max: 1000 }),
    userPin: digits(6, 16), adminPin: digits(6, 16), record: fc.boolean(),
    videoMode: fc.constantFrom('none', 'follow_talker', 'last_marked', 'first_marked'),
  };
}

export function haGens(clusterId: number, servers: number[], groups: number[]): Record<string, Gens> {
  const groupId = fc.constantFrom(...groups);
  return {
    groups: {
      clusterId: fc.constant(clusterId), name: name('ha-'), description: text(), services: fc.subarray(['ami', 'sip']), witness: ip,
      trunks: fc.array(fc.record({ name: name('t-'), address: fc.ipV4(), interface: iface }, { requiredKeys: ['name', 'address'] }), { maxLength: 3 }),
      sipPort: port, amiPort: port, advertInt: fc.integer({ min: 10, max: 6000 }).map((c) => c / 100),
      checkInterval: fc.integer({ min: 1, max: 60 }), checkFall: fc.integer({ min: 1, max: 20 }), checkRise: fc.integer({ min: 1, max: 20 }),
    },
    nodes: {
      groupId, serverId: fc.constantFrom(...servers), priority: fc.integer({ min: 1, max: 254 }), interface: iface, sourceAddress: ip, replicationAddress: ip,
    },
    vips: {
      groupId, kind: fc.constantFrom('voice', 'web', 'trunk'), address: fc.ipV4(), prefix: fc.integer({ min: 1, max: 32 }), interface: iface,
      virtualRouterId: fc.integer({ min: 1, max: 255 }),
    },
    'sync-paths': {
      groupId, path: fc.stringMatching(/^\/[a-z0-9_]{1,8}(\/[a-z0-9_]{1,8}){0,2}$/),
      excludes: fc.uniqueArray(fc.stringMatching(/^[a-z0-9_*]{1,8}(\.[a-z*]{1,4})?$/), { maxLength: 4 }),
    },
    'notify-targets': {
      // Host targets suit syslog and snmp; the other types refuse them, which must change nothing.
      groupId, type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('syslog', 'snmp') }, { weight: 1, arbitrary: fc.constantFrom('email', 'webhook', 'sms') }), target: fc.tuple(fc.domain(), fc.option(port)).map(([h, p]) => (p ? `${h}:${p}` : h)), enabled: fc.boolean(),
    },
  };
}

/** The queues plugin: queues of one cluster, and members that may move to another of its queues. */
export function queuesGens(clusterId: number, tenantId: number, queues: number[], extensions: number[], groups: number[]): Record<string, Gens> {
  const seconds = fc.integer({ min: 0, max: 600 });
  return {
    queues: {
      clusterId: fc.constant(clusterId), name: name('q-'), number: digits(3, 6), description: text(),
      strategy: fc.constantFrom('ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'wrandom', 'rrordered'),
      timeout: seconds, retry: seconds, wrapupTime: seconds, maxCallers: fc.integer({ min: 0, max: 500 }), weight: fc.integer({ min: 0, max: 100 }),
      musicClass: name('moh-'), announceFrequency: seconds, announcePosition: fc.constantFrom('yes', 'no', 'more', 'limit'),
      announceHoldTime: fc.constantFrom('yes', 'no', 'once'), periodicAnnounceFrequency: seconds, periodicAnnounce: fc.stringMatching(/^custom\/[a-z0-9_-]{1,12}$/), serviceLevel: seconds,
      joinEmpty: fc.constantFrom('yes', 'no', 'strict', 'loose'), leaveWhenEmpty: fc.constantFrom('yes', 'no', 'strict', 'loose'),
      ringInUse: fc.boolean(), autoPause: fc.constantFrom('no', 'yes', 'all'),
    },
    'cti-hooks': {
      tenantId: fc.constant(tenantId), url: fc.webUrl({ withQueryParameters: true }).filter((u) => !u.includes('@')),
      events: fc.subarray(['agent', 'offered'] as const, { minLength: 1 }), enabled: fc.boolean(),
    },
    members: {
      // A kind with an id of the other kind is refused (no such group), which must change nothing.
      queueId: fc.constantFrom(...queues), kind: fc.constantFrom('extension', 'group'),
      targetId: fc.constantFrom(...extensions, ...groups), penalty: fc.integer({ min: 0, max: 1000 }),
    },
  };
}

/** The recordings plugin: a tenant's recordings (their audio and its facts come from an upload, never from a PUT). */
export function recordingsGens(tenants: number[]): Gens {
  return { tenantId: fc.constantFrom(...tenants), name: name('rec-'), description: text(), language: fc.constantFrom('en', 'fr', 'en_US', 'de_DE') };
}

export function securityGens(clusterId: number, tenants: number[]): Record<string, Gens> {
  return {
    blacklist: {
      // A cluster without servers: an address change runs nothing over SSH.
      clusterId: fc.constant(clusterId), address: fc.oneof(fc.ipV4(), fc.ipV6(), network), reason: text(), expiresAt: future(2030),
    },
    targets: {
      tenantId: fc.constantFrom(...tenants),
      // Host targets suit syslog and snmp; the other types refuse them, which must change nothing.
      type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('syslog', 'snmp') }, { weight: 1, arbitrary: fc.constantFrom('email', 'webhook', 'sms') }),
      target: fc.tuple(fc.domain(), fc.option(port)).map(([h, p]) => (p ? `${h}:${p}` : h)), minLevel: fc.integer({ min: 0, max: 16 }), enabled: fc.boolean(),
    },
  };
}

/** The inbound plugin: destinations of every type, to the other rows the test made (never the subject: no loop). */
export function inboundGens(p: {
  clusterId: number; tenants: number[]; trunks: number[]; queues: number[]; ivrs: number[]; hours: number[]; announcements: number[]; rooms: number[]; mailboxes: number[];
}): Record<string, Gens> {
  const destination = fc.oneof(
    fc.constant({ type: 'hangup' }), digits(3, 6).map((number) => ({ type: 'extension', number })), digits(3, 6).map((number) => ({ type: 'voicemail', number })),
    fc.tuple(fc.boolean(), digits(4, 15)).map(([plus, d]) => ({ type: 'number', number: plus ? `+${d}` : d })),
    fc.constantFrom(...p.queues).map((queueId) => ({ type: 'queue', queueId })), fc.constantFrom(...p.ivrs).map((ivrId) => ({ type: 'ivr', ivrId })),
    fc.constantFrom(...p.hours).map((hoursId) => ({ type: 'hours', hoursId })),
    fc.constantFrom(...p.announcements).map((announcementId) => ({ type: 'announcement', announcementId })),
    fc.constantFrom(...p.rooms).map((roomId) => ({ type: 'conference', roomId })),
    fc.constantFrom(...p.mailboxes).map((mailboxId) => ({ type: 'groupVoicemail', mailboxId })),
  );
  const day = fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
  const hhmm = (h0: number, h1: number) => fc.tuple(fc.integer({ min: h0, max: h1 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  return {
    hours: {
      tenantId: fc.constantFrom(...p.tenants), name: name('h-'), description: text(), active: fc.boolean(),
      // Mornings and afternoons never overlap; two rules of one half may (refused, which must change nothing).
      open: fc.array(fc.tuple(fc.uniqueArray(day, { minLength: 1 }), fc.boolean()).chain(([days, am]) =>
        fc.tuple(am ? hhmm(0, 5) : hhmm(12, 17), am ? hhmm(6, 11) : hhmm(18, 23)).map(([from, to]) => ({ days, from, to }))), { maxLength: 3 }),
      holidays: fc.uniqueArray(fc.record({ date: fc.constantFrom('01-01', '12-25', '2031-05-01', '2032-07-04', '02-29'), name: text(20) }), { selector: (h) => h.date, maxLength: 3 }),
      destinations: fc.record({ open: destination, closed: destination, holiday: destination }),
      queueId: fc.constantFrom(...p.queues),
    },
    ivrs: {
      clusterId: fc.constant(p.clusterId), name: name('ivr-'), description: text(), prompt: fc.stringMatching(/^custom\/[a-z0-9_-]{1,12}$/),
      timeout: fc.integer({ min: 1, max: 60 }), retries: fc.integer({ min: 0, max: 9 }), directDial: fc.boolean(),
      options: fc.uniqueArray(fc.record({ digit: fc.constantFrom(...'0123456789*#'), destination }), { selector: (o) => o.digit, maxLength: 4 }),
      invalid: destination, timeoutDestination: destination,
    },
    routes: {
      clusterId: fc.constant(p.clusterId), trunkId: fc.constantFrom(...p.trunks), did: fc.tuple(fc.boolean(), digits(4, 15)).map(([plus, d]) => (plus ? `+${d}` : d)),
      description: text(), callerIdNamePrefix: fc.stringMatching(/^[A-Za-z0-9 -]{1,20}$/), destination,
    },
    announcements: {
      clusterId: fc.constant(p.clusterId), name: name('ann-'), description: text(), prompt: fc.stringMatching(/^custom\/[a-z0-9_-]{1,12}$/),
      repeat: fc.integer({ min: 1, max: 5 }), answer: fc.boolean(), then: destination,
    },
    mailboxes: {
      clusterId: fc.constant(p.clusterId), number: digits(2, 8), name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .'-]{0,30}[A-Za-z0-9]$/), pin: digits(4, 16),
      emails: fc.array(fc.emailAddress(), { maxLength: 3 }), queueId: fc.constantFrom(...p.queues),
    },
  };
}
