/** The security plugin's public surface: what other plugins and site modules may import. */
import { createServiceRef } from '../../../sdk/index.ts';
import type { Finding, Severity } from '../audit.ts';
import type { SourceCounter } from '../asterisk-events.ts';

export type { Finding, Severity, SourceCounter };

export interface AlertView {
  id: number;
  source: string;
  ruleId: string;
  level: number;
  location: string;
  srcIp: string | null;
  description: string;
  time: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  serverId: number | null;
  clusterId: number | null;
  agent: string | null;
  user: string | null;
  groups: string[];
  noc: boolean;
  notified: boolean;
}

export interface SecurityService {
  /** Config audit of every cluster (or one), sorted by severity. */
  audit(clusterId?: number): Promise<{ findings: Finding[]; summary: Record<Severity, number> }>;
  /** Recent alerts, newest first. */
  alerts(filter?: { minLevel?: number; limit?: number }): Promise<AlertView[]>;
  /** Per-source-address counters of Asterisk security events. */
  sources(): SourceCounter[];
}
export const securityService = createServiceRef<SecurityService>('security.service');
