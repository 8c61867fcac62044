import { isIP } from 'node:net';
import { confName, confValue, UnsafeConfigValueError } from '../../sdk/index.ts';

/**
 * keepalived.conf for one HA node (keepalived.conf(5), keepalived 2.x):
 * - one `vrrp_instance` per VIP, all `state BACKUP` + `nopreempt`: whoever holds a VIP keeps it
 *   until it fails; failback waits for an operator (`acm ha failover` on the holder);
 * - VRRPv3 over unicast (`unicast_src_ip` + `unicast_peer`), no `authentication` block (RFC 5798
 *   removed it; keepalived ignores it for version 3);
 * - a `vrrp_script` running `acm ha check` with `weight 0`: a failing check puts the instances in
 *   FAULT, which releases the VIP at once (a weight would only lower the priority, and with
 *   nopreempt the peer would never take over);
 * - `notify` running `acm ha notify` (keepalived appends: INSTANCE|GROUP, name, state, priority);
 * - a `vrrp_sync_group` when there are several VIPs, so voice, web and trunk move together.
 */
export interface KeepalivedInput {
  group: { id: number; name: string; advertInt: number; checkInterval: number; checkFall: number; checkRise: number };
  self: { name: string; priority: number; interface: string; sourceAddress: string };
  peers: readonly { name: string; sourceAddress: string }[];
  vips: readonly { kind: string; address: string; prefix: number; interface?: string | null; virtualRouterId: number }[];
  /** The node agent command, e.g. `/usr/local/bin/acm-ha` (an absolute path, maybe followed by arguments). */
  agent: string;
  /** Path of the node's agent config (node.json) on the node. */
  agentConfig: string;
  /** `enable_script_security` (scripts and their directories must not be writable by non-root). Default true. */
  scriptSecurity?: boolean;
}

export const IFACE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$/;
const COMMAND_RE = /^\/[A-Za-z0-9_./+-]+( [A-Za-z0-9_./+=:-]+)*$/;
const PATH_RE = /^\/[A-Za-z0-9_./+-]+$/;

function fail(field: string, reason: string): never {
  throw new UnsafeConfigValueError(field, reason);
}

function ip(value: string, field: string): string {
  if (isIP(value) === 0) fail(field, 'must be an IP address');
  return confValue(value, field);
}

function iface(value: string, field: string): string {
  if (!IFACE_RE.test(value)) fail(field, 'must be an interface name (letters, digits, _.:@-, at most 15)');
  return confValue(value, field);
}

function int(value: number, min: number, max: number, field: string): string {
  if (!Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer ${min}..${max}`);
  return String(value);
}

/** The name keepalived knows an instance by: `acm_<group id>_<kind>_<vrid>`. */
export function instanceName(groupId: number, kind: string, vrid: number): string {
  return confName(`acm_${groupId}_${kind}_${vrid}`, 'instance');
}

export function renderKeepalived(input: KeepalivedInput): string {
  const g = input.group;
  if (!COMMAND_RE.test(input.agent)) fail('agent', 'must be an absolute path with plain arguments');
  if (!PATH_RE.test(input.agentConfig)) fail('agentConfig', 'must be an absolute path');
  const agent = confValue(input.agent, 'agent');
  const conf = confValue(input.agentConfig, 'agentConfig');
  if (!(g.advertInt >= 0.01 && g.advertInt <= 255)) fail('advertInt', 'must be 0.01..255 seconds');
  const advert = confValue(Number(g.advertInt.toFixed(2)), 'advertInt');
  const selfIface = iface(input.self.interface, 'interface');
  const src = ip(input.self.sourceAddress, 'sourceAddress');
  const peers = input.peers.map((p, i) => ip(p.sourceAddress, `peers.${i}.sourceAddress`));
  if (!peers.length) fail('peers', 'a group needs at least one peer');
  const script = 'acm_ha_check';
  const names = input.vips.map((v) => instanceName(g.id, v.kind, v.virtualRouterId));

  const out: string[] = [
    `! keepalived.conf of ${confValue(input.self.name, 'node')} in HA group ${confValue(g.name, 'group')}.`,
    '! Rendered by acm (ha plugin): edits are overwritten.',
    '',
    'global_defs {',
    `    router_id ${confName(`acm_${input.self.name}`, 'router_id')}`,
    '    vrrp_version 3',
    '    script_user root',
    ...(input.scriptSecurity === false ? [] : ['    enable_script_security']),
    '}',
    '',
    `vrrp_script ${script} {`,
    `    script "${agent} check --config ${conf}"`,
    `    interval ${int(g.checkInterval, 1, 60, 'checkInterval')}`,
    `    timeout ${int(Math.max(g.checkInterval * 2, 2), 1, 120, 'timeout')}`,
    '    weight 0',
    `    fall ${int(g.checkFall, 1, 20, 'checkFall')}`,
    `    rise ${int(g.checkRise, 1, 20, 'checkRise')}`,
    '}',
  ];
  if (names.length > 1) {
    out.push('', `vrrp_sync_group ${confName(`acm_${g.id}`, 'sync_group')} {`, '    group {', ...names.map((n) => `        ${n}`), '    }', '}');
  }
  input.vips.forEach((v, i) => {
    const dev = v.interface ? iface(v.interface, `vips.${i}.interface`) : selfIface;
    out.push(
      '',
      `vrrp_instance ${names[i]} {`,
      '    state BACKUP',
      '    nopreempt',
      `    interface ${selfIface}`,
      `    virtual_router_id ${int(v.virtualRouterId, 1, 255, `vips.${i}.virtualRouterId`)}`,
      `    priority ${int(input.self.priority, 1, 254, 'priority')}`,
      `    advert_int ${advert}`,
      `    unicast_src_ip ${src}`,
      '    unicast_peer {',
      ...peers.map((p) => `        ${p}`),
      '    }',
      '    virtual_ipaddress {',
      `        ${ip(v.address, `vips.${i}.address`)}/${int(v.prefix, 1, isIP(v.address) === 6 ? 128 : 32, `vips.${i}.prefix`)} dev ${dev}`,
      '    }',
      '    track_script {',
      `        ${script}`,
      '    }',
      `    notify "${agent} notify --config ${conf}"`,
      '}',
    );
  });
  return out.join('\n') + '\n';
}
