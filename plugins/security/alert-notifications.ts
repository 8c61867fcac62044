/**
 * An alert's notifications: the outbox entry, the retry policy and the message per channel
 * (handed to the core notifier).
 */
import type { NotifyChannel, NotifyMessage, NotifySeverity } from '../../sdk/index.ts';
import type { AlertView } from './api/index.ts';

/**
 * One alert to one target, as the outbox shows it. `sending`: under way; `sent`: the notifier
 * handed it over; `pending`: no transport for the type (`error` names the setting; not retried);
 * `retrying`: an attempt failed, the next one at `nextAt`; `failed`: MAX_ATTEMPTS failed.
 */
export interface Notification {
  at: string;
  target: { type: string; to: string };
  alert: AlertView;
  status: 'sending' | 'sent' | 'pending' | 'retrying' | 'failed';
  error: string | null;
  attempts: number;
  sentAt: string | null;
  nextAt: string | null;
}

/** Attempts per notification, and the wait before attempt n + 1 (30 s, 60 s, …). */
export const MAX_ATTEMPTS = 4;
export const retrySeconds = (attempts: number) => 30 * attempts;

export const severityOf = (level: number): NotifySeverity => (level >= 12 ? 'critical' : level >= 7 ? 'warning' : 'info');

/**
 * The message of an alert for one target, through the core notifier. Syslog: app `acm-security`,
 * MSGID `<source>.<rule>`, SD `acmsec@32473` (source, rule, level, srcip, location, server, cluster,
 * agent, user); email: the subject and every detail on its own line; webhook: text, severity,
 * at, fields and the whole alert; SMS: the subject.
 */
export function alertMessage(channel: NotifyChannel, to: string, a: AlertView): NotifyMessage {
  const subject = `[acm security] level ${a.level} ${a.source}:${a.ruleId}${a.srcIp ? ` from ${a.srcIp}` : ''}: ${a.description}`.replace(/[\r\n]+/g, ' ').slice(0, 255);
  const fields: Record<string, string> = {
    source: a.source, rule: a.ruleId, level: String(a.level), srcip: a.srcIp ?? '', location: a.location,
    server: a.serverId === null ? '' : String(a.serverId), cluster: a.clusterId === null ? '' : String(a.clusterId), agent: a.agent ?? '', user: a.user ?? '',
  };
  const at = a.time ?? a.firstSeen;
  const line = `${a.description} (level ${a.level}, ${a.source} rule ${a.ruleId}${a.srcIp ? `, from ${a.srcIp}` : ''}, ${a.location})`;
  const base = { channel, to, subject, text: line, severity: severityOf(a.level), source: 'acm-security', at, fields };
  switch (channel) {
    case 'email': return {
      ...base,
      text: [
        `level    : ${a.level}${a.noc ? ' (NOC)' : ''}`,
        `rule     : ${a.source} ${a.ruleId}`,
        `source IP: ${a.srcIp ?? '-'}`,
        `location : ${a.location}`,
        ...(a.serverId !== null ? [`server   : ${a.serverId}${a.clusterId !== null ? ` (cluster ${a.clusterId})` : ''}`] : []),
        ...(a.agent ? [`agent    : ${a.agent}`] : []),
        ...(a.user ? [`user     : ${a.user}`] : []),
        `time     : ${at}`,
        '',
        a.description,
        '',
        '-- acm security',
      ].join('\n'),
      fields: { source: a.source, rule: a.ruleId, level: String(a.level) },
    };
    case 'syslog': return { ...base, syslog: { msgId: `${a.source}.${a.ruleId}`, sdId: 'acmsec@32473' } };
    case 'webhook': return { ...base, data: { text: line, severity: base.severity, at, fields, alert: a } };
    case 'sms': return { ...base, text: subject };
    default: return base;
  }
}
