/** The HA plugin's public surface: types and the service other plugins may use. */
import { createServiceRef } from '../../../sdk/index.ts';

export const VIP_KINDS = ['voice', 'web', 'trunk'] as const;
export const SERVICES = ['ami', 'sip'] as const;
export const NOTIFY_TYPES = ['email', 'syslog', 'snmp', 'webhook', 'sms'] as const;

export interface HaVipStatus { kind: string; address: string; prefix: number; virtualRouterId: number; heldBy: string[] }
export interface HaNodeStatus {
  serverId: number; name: string; priority: number; primary: boolean; interface: string; sourceAddress: string;
  vrrp: Record<string, { state: string; at: string }>; check: { ok: boolean; at: string; items: { name: string; ok: boolean; detail: string }[] } | null;
  reachable: boolean; error?: string;
}
export interface HaGroupStatus {
  id: number; clusterId: number; name: string; timestamp: string; state: string; words: string;
  nodes: HaNodeStatus[]; vips: HaVipStatus[]; replication: string;
}

export interface HaService {
  status(clusterId?: number): Promise<HaGroupStatus[]>;
}
export const haService = createServiceRef<HaService>('ha.service');
