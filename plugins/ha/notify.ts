/**
 * Notifications of HA state changes: the messages per target type, handed to the core notifier
 * (coreServices.notifier: syslog, webhook, email, SNMP traps, SMS through ACM_SMS_WEBHOOK) by the
 * core outbox (coreServices.outbox), which keeps, deduplicates and retries them (notify-outbox.ts).
 *
 * SNMP OIDs, under acm's enterprise (ACM_ENTERPRISE_OID: 32473, the number IANA reserves for
 * documentation, a placeholder until acm has its own PEN; the syslog SD-ID `acmha@32473` too):
 *   1.3.6.1.4.1.32473.1.1.0.1   acmHaStateChange   (the trap: snmpTrapOID.0 in v2c, enterprise+specific 1 in v1)
 *   1.3.6.1.4.1.32473.1.1.1.1   acmHaGroup         OCTET STRING  the HA group's name
 *   1.3.6.1.4.1.32473.1.1.1.2   acmHaNode          OCTET STRING  the node (server) name, '' for group-wide events
 *   1.3.6.1.4.1.32473.1.1.1.3   acmHaInstance      OCTET STRING  the keepalived vrrp_instance, '' when none
 *   1.3.6.1.4.1.32473.1.1.1.4   acmHaState         OCTET STRING  the new state: MASTER, BACKUP, FAULT, FAILOVER, SYNC_CONFLICT, …
 *   1.3.6.1.4.1.32473.1.1.1.5   acmHaVips          OCTET STRING  the VIPs concerned, comma-separated (address/prefix)
 *   1.3.6.1.4.1.32473.1.1.1.6   acmHaMessage       OCTET STRING  the state change in words
 *   1.3.6.1.4.1.32473.1.1.1.7   acmHaTime          OCTET STRING  when it happened (RFC 3339, UTC)
 */
import {
  ACM_ENTERPRISE_OID, type NotifyChannel, type NotifyMessage, type NotifyTransports, type SmtpSettings, type SnmpSettings,
} from '../../sdk/index.ts';

/** One state change as it goes out. */
export interface Notice {
  group: string;
  groupId: number;
  node: string | null;
  serverId: number | null;
  instance: string | null;
  state: string;
  message: string;
  at: string;
  /** The VIPs concerned (address/prefix): the instance's VIP, or every VIP of the group. */
  vips?: string[];
}

/** The plugin's own relay and SNMP settings replace the core's (ACM_SMTP_URL, ACM_SNMP_*) when set. */
export const haTransports = (s: { email?: SmtpSettings | undefined; snmp?: SnmpSettings | undefined }): NotifyTransports => ({ smtp: s.email, snmp: s.snmp });

export function subjectOf(n: Notice): string {
  return `[acm HA] ${n.group}: ${n.node ? `${n.node} ` : ''}${n.instance ? `${n.instance} ` : ''}${n.state}`.slice(0, 255);
}

/** The plain-text body of an email: every field on its own line, then the message. */
export function emailText(n: Notice): string {
  return [
    `HA group : ${n.group}`,
    `node     : ${n.node ?? '(group)'}`,
    `VIP      : ${n.vips?.length ? n.vips.join(', ') : '(none)'}`,
    `instance : ${n.instance ?? '-'}`,
    `new state: ${n.state}`,
    `time     : ${n.at}`,
    '',
    n.message,
    '',
    '-- acm high availability',
  ].join('\n');
}

export const ENTERPRISE_OID = ACM_ENTERPRISE_OID;
export const TRAP_OID = `${ENTERPRISE_OID}.1.1.0.1`;
export const VARBIND_OIDS = {
  group: `${ENTERPRISE_OID}.1.1.1.1`,
  node: `${ENTERPRISE_OID}.1.1.1.2`,
  instance: `${ENTERPRISE_OID}.1.1.1.3`,
  state: `${ENTERPRISE_OID}.1.1.1.4`,
  vips: `${ENTERPRISE_OID}.1.1.1.5`,
  message: `${ENTERPRISE_OID}.1.1.1.6`,
  time: `${ENTERPRISE_OID}.1.1.1.7`,
} as const;

/**
 * The message for one target. Syslog: RFC 5424, app `acm-ha`, MSGID the state, MASTER and FAULT
 * (and SPLIT, SYNC_CONFLICT) as warning, everything else notice, SD `acmha@32473` with group,
 * node, instance, state. Webhook: `{source: 'acm-ha', subject, ...notice}`. Email: the subject,
 * emailText() and the headers X-acm-ha-group / X-acm-ha-state. SNMP: the acmHaStateChange trap.
 */
export function haMessage(channel: NotifyChannel, to: string, n: Notice): NotifyMessage {
  const base = {
    channel, to, subject: subjectOf(n), text: n.message, source: 'acm-ha', at: n.at,
    severity: ['FAULT', 'MASTER', 'SPLIT', 'SYNC_CONFLICT'].includes(n.state) ? 'warning' as const : 'info' as const,
  };
  switch (channel) {
    case 'syslog': return { ...base, fields: { group: n.group, node: n.node ?? '', instance: n.instance ?? '', state: n.state }, syslog: { msgId: n.state, sdId: 'acmha@32473' } };
    case 'webhook': return { ...base, data: { ...n } };
    case 'email': return { ...base, text: emailText(n), fields: { group: n.group, state: n.state } };
    case 'snmp': return {
      ...base,
      fields: { group: n.group, node: n.node ?? '', instance: n.instance ?? '', state: n.state, vips: (n.vips ?? []).join(','), message: n.message, time: n.at },
      snmp: { trapOid: TRAP_OID, varbinds: VARBIND_OIDS },
    };
    case 'sms': return { ...base, text: `${subjectOf(n)} at ${n.at}` };
  }
}
