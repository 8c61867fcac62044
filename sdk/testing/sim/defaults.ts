/**
 * Defaults of the simulated Asterisk: the configuration the recorded Asterisk 20 ran
 * (tests/fixtures/asterisk20/conf-*.conf), embedded so the simulator never reads fixtures.
 */
export const DEFAULT_SYSTEM_NAME = 'acm-ast20';
export const ASTERISK_VERSION = '20.20.1';
export const AMI_BANNER = 'Asterisk Call Manager/9.0.0';
export const BUILD_LINE = 'Asterisk 20.20.1 built by root @ vm on a x86_64 running Linux on 2026-11-23 06:38:32 UTC';
export const ENTITY_ID = '02:fc:00:00:00:01';

export const DEFAULT_PJSIP_CONF = `[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:5060

[6101]
type = endpoint
context = from-internal
disallow = all
allow = ulaw,alaw
auth = 6101
aors = 6101

[6101]
type = auth
auth_type = userpass
username = 6101
password = acm-6101-pw

[6101]
type = aor
max_contacts = 1

[6102]
type = endpoint
context = from-internal
disallow = all
allow = ulaw,alaw
auth = 6102
aors = 6102

[6102]
type = auth
auth_type = userpass
username = 6102
password = acm-6102-pw

[6102]
type = aor
max_contacts = 1

[6103]
type = endpoint
context = from-internal
disallow = all
allow = ulaw,alaw
auth = 6103
aors = 6103

[6103]
type = auth
auth_type = userpass
username = 6103
password = acm-6103-pw

[6103]
type = aor
max_contacts = 1
contact = sip:6103@127.0.0.1:5073
`;

export const DEFAULT_EXTENSIONS_CONF = `[general]
static = yes
writeprotect = no
clearglobalvars = no

[globals]

[from-internal]
exten => _610X,1,NoOp(Calling \${EXTEN})
 same => n,Dial(PJSIP/\${EXTEN},20)
 same => n,Hangup()

exten => 600,1,NoOp(Queue ussales)
 same => n,Queue(ussales)
 same => n,Hangup()

exten => 650,1,Answer()
 same => n,ConfBridge(acmconf)
 same => n,Hangup()

exten => 700,1,NoOp(Stasis acm-test)
 same => n,Stasis(acm-test)
 same => n,Hangup()

exten => echo,1,Answer()
 same => n,Set(TIMEOUT(absolute)=2)
 same => n,Echo()
 same => n,Hangup()

exten => wait,1,Answer()
 same => n,Wait(10)
 same => n,Hangup()
`;

/** The recorded server's voicemail.conf (tests/fixtures/asterisk20/conf-voicemail.conf). */
export const DEFAULT_VOICEMAIL_CONF = `[general]
format = wav49|gsm|wav
attach = no

[default]
6101 => 6101,Test User 6101
6102 => 6102,Test User 6102
`;

/** The stock class: files under astdatadir/moh (created by the simulator at start). */
export const DEFAULT_MUSICONHOLD_CONF = `[general]

[default]
mode = files
directory = moh
`;

/** The recorded server's queues.conf and a stock queuerules.conf (comments only). */
export const DEFAULT_QUEUE_FILES: Record<string, string> = {
  'queues.conf': `[general]
persistentmembers = yes

[ussales]
strategy = ringall
timeout = 15
retry = 5
maxlen = 0
member => PJSIP/6101
`,
  'queuerules.conf': '; Queue penalty rules\n',
};

/** queues.conf with these queues (name -> static member interfaces) and no rules file. */
export function renderQueuesConf(queues: Record<string, string[]>): string {
  return ['[general]', 'persistentmembers = yes', '', ...Object.entries(queues).flatMap(([q, members]) => [`[${q}]`, 'strategy = ringall', ...members.map((m) => `member => ${m}`), ''])].join('\n');
}

/** Config files of a simulator started without `configFiles`; acl.conf as shipped (comments only). */
export const DEFAULT_CONFIG_FILES: Record<string, string> = {
  'pjsip.conf': DEFAULT_PJSIP_CONF,
  'extensions.conf': DEFAULT_EXTENSIONS_CONF,
  'voicemail.conf': DEFAULT_VOICEMAIL_CONF,
  'musiconhold.conf': DEFAULT_MUSICONHOLD_CONF,
  'acl.conf': '; Named Access Control Lists (ACLs)\n',
};

/** Modules the simulator claims to have loaded (Reload / ModuleLoad / ModuleCheck). */
export const LOADED_MODULES = [
  'res_pjsip.so', 'pbx_config.so', 'app_queue.so', 'app_confbridge.so', 'app_voicemail.so', 'res_ari.so',
  'res_stasis.so', 'chan_pjsip.so', 'res_musiconhold.so', 'res_parking.so', 'cdr_manager.so', 'cel_manager.so',
  'manager', 'http', 'logger', 'cdr', 'cel', 'dnsmgr', 'extconfig', 'enum', 'acl', 'rtp', 'features', 'udptl',
  'indications', 'dsp', 'ccss', 'plc', 'chan_iax2.so', 'pbx_dundi.so', 'res_crypto.so',
];
