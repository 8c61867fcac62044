import { columns, EntitySchema } from '../../sdk/index.ts';

/**
 * The HA model. Tables are prefixed `ha_`. A group is one set of nodes (two or more servers of a
 * cluster) that share VIPs through keepalived (VRRP); nodes carry the VRRP priority, the
 * interface and the unicast source address; VIPs are one vrrp_instance each.
 */
export interface HaGroup {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  name: string;
  description?: string | null;
  /** Services `acm ha check` requires: ami, sip (the witness and trunks are checked when set). */
  services: string[];
  /** The address every node must see (usually the default gateway); an isolated node gives the VIPs up. */
  witness?: string | null;
  /** Trunk gateways/interfaces that must be reachable: [{ name, address?, interface? }]. */
  trunks: { name: string; address?: string | null; interface?: string | null }[];
  sipPort: number;
  amiPort: number;
  /** VRRP advertisement interval in seconds (VRRPv3 allows fractions, e.g. 0.5). */
  advertInt: number;
  checkInterval: number;
  checkFall: number;
  checkRise: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a row under a group sits: its group's tenant, site and cluster (kept by the resource kit). */
interface Placed {
  tenantId: number;
  siteId: number;
  clusterId: number;
}

export interface HaNode extends Placed {
  id: number;
  groupId: number;
  serverId: number;
  /** VRRP priority 1..254; the highest is the primary (normal state). */
  priority: number;
  interface: string;
  /** unicast_src_ip: this node's address on `interface`. */
  sourceAddress: string;
  /** Where files are replicated to this node (default: sourceAddress). */
  replicationAddress?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface HaVip extends Placed {
  id: number;
  groupId: number;
  /** voice, web or trunk. */
  kind: string;
  address: string;
  prefix: number;
  /** The interface the VIP is added to (default: the node's interface). */
  interface?: string | null;
  virtualRouterId: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface HaSyncPath extends Placed {
  id: number;
  groupId: number;
  path: string;
  /** Glob patterns (relative to path) never copied: `*.tmp`, `cache/**`. */
  excludes: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface HaNotifyTarget extends Placed {
  id: number;
  groupId: number;
  /** email, syslog, snmp or webhook. */
  type: string;
  target: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Every VRRP state change reported by a node (`acm ha notify`), and operator actions. */
export interface HaEvent {
  id: number;
  groupId?: number | null;
  serverId?: number | null;
  node?: string | null;
  instance?: string | null;
  state: string;
  message?: string | null;
  at: Date;
}

const placed = columns.cluster;
// JSON columns are text: MariaDB's JSON is LONGTEXT and mysql2 returns it unparsed, so MikroORM (de)serialises.
const { stamps } = columns;

export const HaGroupSchema = new EntitySchema<HaGroup>({
  name: 'HaGroup',
  tableName: 'ha_groups',
  uniques: [{ properties: ['clusterId', 'name'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    ...placed,
    name: { type: 'string', length: 64 },
    description: { type: 'string', length: 255, nullable: true },
    services: { type: 'json', columnType: 'mediumtext' },
    witness: { type: 'string', length: 64, nullable: true },
    trunks: { type: 'json', columnType: 'mediumtext' },
    sipPort: { type: 'integer', default: 5060 },
    amiPort: { type: 'integer', default: 5038 },
    advertInt: { type: 'float', default: 1 },
    checkInterval: { type: 'integer', default: 1 },
    checkFall: { type: 'integer', default: 2 },
    checkRise: { type: 'integer', default: 2 },
    ...stamps,
  },
});

export const HaNodeSchema = new EntitySchema<HaNode>({
  name: 'HaNode',
  tableName: 'ha_nodes',
  uniques: [{ properties: ['groupId', 'serverId'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    ...placed,
    groupId: { type: 'integer', index: true },
    serverId: { type: 'integer', index: true },
    priority: { type: 'integer' },
    interface: { type: 'string', length: 15 },
    sourceAddress: { type: 'string', length: 64 },
    replicationAddress: { type: 'string', length: 64, nullable: true },
    ...stamps,
  },
});

export const HaVipSchema = new EntitySchema<HaVip>({
  name: 'HaVip',
  tableName: 'ha_vips',
  uniques: [{ properties: ['groupId', 'virtualRouterId'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    ...placed,
    groupId: { type: 'integer', index: true },
    kind: { type: 'string', length: 10 },
    address: { type: 'string', length: 64 },
    prefix: { type: 'integer' },
    interface: { type: 'string', length: 15, nullable: true },
    virtualRouterId: { type: 'integer' },
    ...stamps,
  },
});

export const HaSyncPathSchema = new EntitySchema<HaSyncPath>({
  name: 'HaSyncPath',
  tableName: 'ha_sync_paths',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    ...placed,
    groupId: { type: 'integer', index: true },
    path: { type: 'string', length: 255 },
    excludes: { type: 'json', columnType: 'mediumtext' },
    ...stamps,
  },
});

export const HaNotifyTargetSchema = new EntitySchema<HaNotifyTarget>({
  name: 'HaNotifyTarget',
  tableName: 'ha_notify_targets',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    ...placed,
    groupId: { type: 'integer', index: true },
    type: { type: 'string', length: 10 },
    target: { type: 'string', length: 255 },
    enabled: { type: 'boolean', default: true },
    ...stamps,
  },
});

export const HaEventSchema = new EntitySchema<HaEvent>({
  name: 'HaEvent',
  tableName: 'ha_events',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    groupId: { type: 'integer', nullable: true, index: true },
    serverId: { type: 'integer', nullable: true },
    node: { type: 'string', length: 64, nullable: true },
    instance: { type: 'string', length: 64, nullable: true },
    state: { type: 'string', length: 16 },
    message: { type: 'string', length: 500, nullable: true },
    at: { type: 'datetime', index: true },
  },
});

export const haEntities = [HaGroupSchema, HaNodeSchema, HaVipSchema, HaSyncPathSchema, HaNotifyTargetSchema, HaEventSchema];
