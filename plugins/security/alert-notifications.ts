/**
 * An alert's notifications: the message per channel, queued in the core outbox
 * (coreServices.outbox keeps and retries them), and how the plugin lists them.
 */
import type { NotifyChannel, NotifyMessage, NotifySeverity, OutboxStatus } from '../../sdk/index.ts';
import type { AlertView } from './api/index.ts';

/**
 * One alert to one target, as GET /notifications shows it: the core outbox entry (its status,
 * attempts, error and next attempt; the target without secrets) with the alert it is about.
 */
export interface Notification {
  id: number;
  at: string;
  target: { type: string; to: string };
  alert: AlertView | null;
  status: OutboxStatus;
  error: string | null;
  attempts: number;
  sentAt: string | null;
  nextAt: string | null;
}

/** The outbox entry of an alert names it, so the list can show the alert. */
export const alertRef = (alertId: number) => `alert:${alertId}`;

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
