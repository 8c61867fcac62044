/**
 * res_pjsip-like object store for the simulator, loaded from parsed pjsip.conf with Asterisk 20's
 * reload semantics (see README "Reload facts" of the recordings):
 * - fatal parse error (missing #include, unclosed section), missing file, or a duplicate object
 *   (same name and type twice) -> the whole file is rejected, old objects kept;
 * - an object with an unknown option -> that object keeps its previous version (or is not
 *   created when it is new); the rest of the file applies;
 * - a section without a known `type` is skipped;
 * - an empty file deletes everything.
 * The reload always "succeeds" (the caller answers `Module Reloaded`).
 */
import { fatalLog, FileStamps, parseConfig, type ConfigSource, type ConfigSection } from './config-parser.ts';
import { ENDPOINT_OPTION_NAMES } from './pjsip-fields.ts';
import { parseHa, formatIp } from './ha.ts';

export type PjsipType = 'endpoint' | 'aor' | 'auth' | 'transport' | 'identify' | 'registration' | 'domain_alias' | 'acl' | 'contact' | 'system' | 'global' | 'phoneprov' | 'outbound-publish' | 'inbound-publish' | 'resource_list';

/** One sorcery object: its options as written (last value wins, except repeatable ones). */
export interface PjsipObject {
  type: PjsipType;
  name: string;
  options: Record<string, string>;
  /** Multi-valued options (contact, match, allow, disallow…) in order. */
  multi: Record<string, string[]>;
  /** identify: the resolved `match` networks as `addr/prefixbits` (what `pjsip show identifies` prints). */
  matches?: string[];
  /** Every option line as written, in file order (permit/deny order matters). */
  entries: Array<[string, string]>;
  /** endpoint: `allow`/`disallow` lines in file order (the codec list is their result). */
  codecSteps?: Array<{ allow: boolean; codecs: string[] }>;
}

/** Transport options Asterisk cannot change on reload (config_transport.c "not fully reloadable"). */
const TRANSPORT_FIXED = ['protocol', 'bind', 'tos', 'cos', 'cert_file', 'priv_key_file', 'ca_list_file', 'ca_list_path', 'method', 'cipher', 'verify_client', 'verify_server', 'require_client_cert', 'password'];

const COMMON = ['type'];
const ENDPOINT_OPTS = [
  'context', 'disallow', 'allow', 'aors', 'auth', 'outbound_auth', 'callerid', 'callerid_privacy', 'callerid_tag',
  'direct_media', 'dtmf_mode', 'transport', 'mailboxes', 'voicemail_extension', 'language', 'rtp_symmetric',
  'force_rport', 'rewrite_contact', 'ice_support', 'media_encryption', 'webrtc', 'dtls_auto_generate_cert',
  'use_avpf', 'media_use_received_transport', 'rtcp_mux', 'max_audio_streams', 'max_video_streams',
  'named_call_group', 'named_pickup_group', 'call_group', 'pickup_group', 'device_state_busy_at',
  'allow_subscribe', 'sub_min_expiry', 'from_user', 'from_domain', 'trust_id_inbound', 'trust_id_outbound',
  'send_pai', 'send_rpid', 'send_diversion', 'identify_by', 'timers', 'timers_min_se', 'timers_sess_expires',
  'moh_suggest', 'tone_zone', 'accountcode', 'set_var', 'message_context', 'allow_transfer', 'inband_progress',
  'direct_media_method', 'connected_line_method', 'disable_direct_media_on_nat', 'outbound_proxy',
  'rtp_timeout', 'rtp_timeout_hold', 'rtp_keepalive', 't38_udptl', 't38_udptl_ec', 't38_udptl_nat',
  'fax_detect', 'preferred_codec_only', 'mwi_subscribe_replaces_unsolicited', 'aggregate_mwi', 'record_on_feature',
  'record_off_feature', 'dtls_verify', 'dtls_setup', 'dtls_cert_file', 'dtls_private_key', 'dtls_ca_file',
  'srtp_tag_32', 'bundle', 'max_contacts', 'cos_audio', 'tos_audio', 'cos_video', 'tos_video', '100rel',
  'asymmetric_rtp_codec', 'codec_prefs_incoming_offer', 'codec_prefs_outgoing_offer', 'incoming_call_offer_pref',
  'outgoing_call_offer_pref', 'notify_early_inuse_ringing', 'suppress_q850_reason_headers', 'contact_user',
  'user_eq_phone', 'moh_passthrough', 'refer_blind_progress', 'security_negotiation', 'security_mechanisms',
  'stir_shaken', 'stir_shaken_profile', 'allow_unauthenticated_options', 'ignore_183_without_sdp',
  'send_connected_line', 'geoloc_incoming_call_profile', 'geoloc_outgoing_call_profile', 'redirect_method',
  'subscribe_context', 'trust_connected_line', 'overlap_dial', 'faxdetect_timeout', 'ice_support',
  // Endpoint ACL options (res_pjsip "acl", "deny", "permit" and the contact_* forms).
  'acl', 'deny', 'permit', 'contact_acl', 'contact_deny', 'contact_permit',
  'media_address', 'bind_rtp_to_media_address',
];
const AOR_OPTS = [
  'max_contacts', 'contact', 'remove_existing', 'remove_unavailable', 'qualify_frequency', 'qualify_timeout',
  'qualify_2xx_only', 'authenticate_qualify', 'default_expiration', 'minimum_expiration', 'maximum_expiration',
  'mailboxes', 'voicemail_extension', 'outbound_proxy', 'support_path',
];
const AUTH_OPTS = ['auth_type', 'username', 'password', 'md5_cred', 'realm', 'nonce_lifetime', 'refresh_token', 'oauth_clientid', 'oauth_secret', 'password_digest', 'supported_algorithms_uac', 'supported_algorithms_uas'];
const TRANSPORT_OPTS = [
  'protocol', 'bind', 'external_media_address', 'external_signaling_address', 'external_signaling_port', 'local_net',
  'cert_file', 'priv_key_file', 'ca_list_file', 'ca_list_path', 'method', 'verify_client', 'verify_server',
  'require_client_cert', 'cipher', 'allow_reload', 'symmetric_transport', 'tos', 'cos', 'async_operations',
  'websocket_write_timeout', 'password', 'domain', 'allow_wildcard_certs', 'tcp_keepalive_enable',
  'tcp_keepalive_idle_time', 'tcp_keepalive_interval_time', 'tcp_keepalive_probe_count',
];
const KNOWN: Partial<Record<PjsipType, Set<string>>> = {
  endpoint: new Set([...COMMON, ...ENDPOINT_OPTS, ...ENDPOINT_OPTION_NAMES]),
  aor: new Set([...COMMON, ...AOR_OPTS]),
  auth: new Set([...COMMON, ...AUTH_OPTS]),
  transport: new Set([...COMMON, ...TRANSPORT_OPTS]),
  identify: new Set([...COMMON, 'endpoint', 'match', 'match_header', 'srv_lookups', 'match_request_uri']),
};
const MULTI = new Set(['contact', 'match', 'allow', 'disallow', 'set_var', 'match_header']);
const TYPES = new Set<string>(['endpoint', 'aor', 'auth', 'transport', 'identify', 'registration', 'domain_alias', 'acl', 'contact', 'system', 'global', 'phoneprov', 'outbound-publish', 'inbound-publish', 'resource_list']);

export interface PjsipReloadReport {
  /** true when the file was rejected as a whole. */
  rejected: boolean;
  reason?: string;
  log: string[];
}

/** The store. `objects` is keyed `<type>/<name>`. */
export class PjsipStore {
  objects = new Map<string, PjsipObject>();
  private readonly stamps = new FileStamps();

  /**
   * @param hosts name -> addresses the simulated resolver knows (identify `match = <host>`);
   *   IP literals and `localhost` always resolve, any other name fails like an unknown host.
   */
  constructor(readonly hosts: Record<string, string[]> = {}) {}

  get(type: PjsipType, name: string): PjsipObject | undefined {
    return this.objects.get(`${type}/${name}`);
  }

  list(type: PjsipType): PjsipObject[] {
    return [...this.objects.values()].filter((o) => o.type === type).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Load pjsip.conf from `source` with res_pjsip reload semantics. */
  reload(source: ConfigSource, file = 'pjsip.conf'): PjsipReloadReport {
    const log: string[] = [];
    // An untouched file (and includes) is not reparsed: nothing logged, nothing changes (fact 2).
    if (this.stamps.unchanged(source, file)) return { rejected: false, log };
    const parsed = parseConfig(source, file);
    this.stamps.remember(source, parsed.files);
    if (parsed.missing) return { rejected: true, reason: `${file} not found`, log: [`config file ${file} not found, keeping previous configuration`] };
    if (parsed.fatal) return { rejected: true, reason: parsed.fatal, log: [fatalLog(parsed.fatal), `ERROR res_sorcery_config.c: Contents of config file '${file}' are invalid and cannot be parsed`] };
    log.push(...parsed.warnings);
    const next = new Map<string, PjsipObject>();
    const seen = new Set<string>();
    for (const s of parsed.sections) {
      if (s.isTemplate) continue;
      const built = this.build(s, log);
      if (built === 'skip') continue;
      const key = `${built.type}/${built.name}`;
      if (seen.has(key)) {
        const reason = `Duplicate object '${built.name}' of type '${built.type}'`;
        return { rejected: true, reason, log: [...log, reason] };
      }
      seen.add(key);
      const prevTransport = built.type === 'transport' ? this.objects.get(key) : undefined;
      if (!built.invalid && prevTransport && TRANSPORT_FIXED.some((k) => (prevTransport.options[k] ?? '') !== (built.obj.options[k] ?? ''))) {
        log.push(`NOTICE res_pjsip/config_transport.c: Transport '${built.name}' is not fully reloadable, not reloading: protocol, bind, TLS (everything but certificate and private key if filename is unchanged), TCP, ToS, or CoS options.`);
        next.set(key, prevTransport);
        continue;
      }
      if (built.invalid) {
        const prev = this.objects.get(key);
        log.push(`ERROR res_sorcery_config.c: Could not create an object of type '${built.type}' with id '${built.name}' from configuration file '${file}'`);
        if (prev) {
          log.push(`NOTICE res_sorcery_config.c: Retaining existing configuration for object of type '${built.type}' with id '${built.name}'`);
          next.set(key, prev);
        }
        continue;
      }
      next.set(key, built.obj);
    }
    this.objects = next;
    return { rejected: false, log };
  }

  private build(s: ConfigSection, log: string[]): 'skip' | { type: PjsipType; name: string; obj: PjsipObject; invalid: boolean } {
    let type: string | undefined;
    for (const e of s.entries) if (e.key === 'type') type = e.value;
    if (!type || !TYPES.has(type)) {
      log.push(`Could not determine type of section '${s.name}'`);
      return 'skip';
    }
    const t = type as PjsipType;
    const known = KNOWN[t];
    const obj: PjsipObject = { type: t, name: s.name, options: {}, multi: {}, entries: [] };
    let invalid = false;
    for (const e of s.entries) {
      if (e.key === 'type') continue;
      if (known && !known.has(e.key)) {
        log.push(`Could not find option suitable for category '${s.name}' named '${e.key}' at line ${e.line} of ${e.file}`);
        invalid = true;
        continue;
      }
      const list = e.value.split(',').map((x) => x.trim()).filter(Boolean);
      if (MULTI.has(e.key)) (obj.multi[e.key] ??= []).push(...list);
      if (e.key === 'allow' || e.key === 'disallow') (obj.codecSteps ??= []).push({ allow: e.key === 'allow', codecs: list });
      obj.options[e.key] = e.value;
      obj.entries.push([e.key, e.value]);
    }
    if (t === 'identify' && !invalid) {
      const matches = this.resolveMatches(s.name, obj.multi.match ?? [], log);
      if (matches) obj.matches = matches;
      else invalid = true;
    }
    return { type: t, name: s.name, obj, invalid };
  }

  /** identify `match` values to networks; a host name that does not resolve drops the identify. */
  private resolveMatches(name: string, values: string[], log: string[]): string[] | undefined {
    // Literals first, then the resolved host names (Asterisk appends resolution results later).
    const out: string[] = [];
    const resolved: string[] = [];
    for (const v of values) {
      const lit = parseHa('d', v);
      if (!lit.error) {
        out.push(...lit.rules.map((r) => `${formatIp(r.v4, r.addr)}/${r.mask.reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0)}`));
        continue;
      }
      const port = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(v);
      if (port && !parseHa('d', port[1] ?? '').error) {
        out.push(`${port[1]}:${port[2]}/32`);
        continue;
      }
      const host = v.replace(/:\d+$/, '');
      const addrs = host === 'localhost' ? ['127.0.0.1'] : this.hosts[host];
      if (!addrs || addrs.length === 0) {
        log.push(`ERROR netsock2.c: getaddrinfo("${host}", "(null)", ...): Name or service not known`);
        log.push(`ERROR res_pjsip_endpoint_identifier_ip.c: Identify '${name}' failed when adding resolution results of '${host}'`);
        return undefined;
      }
      resolved.push(...addrs.map((a) => `${a}/${a.includes(':') ? 128 : 32}`));
    }
    return [...out, ...resolved];
  }
}

/** Parse a callerid value `"Name" <num>` / `Name <num>` / `num`. */
export function parseCallerId(v: string | undefined): { name: string; num: string } | undefined {
  if (!v) return undefined;
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(v);
  if (m) return { name: (m[1] ?? '').trim(), num: (m[2] ?? '').trim() };
  return { name: '', num: v.trim() };
}
