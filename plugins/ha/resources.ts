import { isIP } from 'node:net';
import {
  configText, defineResource, ipSchema, notifyTargetProblem, z,
  type EntityManager, type Resource, type ResourceDeclaration, type ServerView,
} from '../../sdk/index.ts';
import { NOTIFY_TYPES, SERVICES, VIP_KINDS } from './api/index.ts';
import {
  HaGroupSchema, HaNodeSchema, HaNotifyTargetSchema, HaSyncPathSchema, HaVipSchema,
  type HaGroup, type HaNode, type HaNotifyTarget, type HaSyncPath, type HaVip,
} from './entities.ts';

/** Written into keepalived.conf and probed by the agent: the strict form (no zone id, no leading zeros). */
const ip = ipSchema();
const iface = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'an interface name (letters, digits, _.-; at most 15)');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits and _.- (at most 64)');
const absPath = z.string().max(255).regex(/^\/[A-Za-z0-9_./@+-]*$/, 'an absolute path of letters, digits and _./@+-').refine((p) => !p.split('/').includes('..'), 'must not contain ..');
const glob = z.string().min(1).max(120).regex(/^[A-Za-z0-9_.*?/@+-]+$/, 'a glob of letters, digits and _.*?/@+-');
const groupId = z.number().int().positive();

export const GroupInput = z.strictObject({
  clusterId: z.number().int().positive(),
  name,
  description: configText(255).nullable().optional(),
  services: z.array(z.enum(SERVICES)).max(SERVICES.length).default(['ami', 'sip']),
  witness: ip.nullable().optional(),
  trunks: z.array(z.strictObject({ name, address: ip.nullable().optional(), interface: iface.nullable().optional() })
    .refine((t) => t.address || t.interface, 'needs an address or an interface')).max(20).default([]),
  sipPort: z.number().int().min(1).max(65535).default(5060),
  amiPort: z.number().int().min(1).max(65535).default(5038),
  // VRRPv3 counts centiseconds; a finer value would also come back rounded from MariaDB's FLOAT column.
  advertInt: z.number().min(0.1).max(60).multipleOf(0.01, 'in hundredths of a second').default(1),
  checkInterval: z.number().int().min(1).max(60).default(1),
  checkFall: z.number().int().min(1).max(20).default(2),
  checkRise: z.number().int().min(1).max(20).default(2),
});
export const NodeInput = z.strictObject({
  groupId,
  serverId: z.number().int().positive(),
  priority: z.number().int().min(1).max(254),
  interface: iface,
  sourceAddress: ip,
  replicationAddress: ip.nullable().optional(),
});
export const VipInput = z.strictObject({
  groupId,
  kind: z.enum(VIP_KINDS),
  address: ip,
  prefix: z.number().int().min(1).max(128),
  interface: iface.nullable().optional(),
  virtualRouterId: z.number().int().min(1).max(255),
}).superRefine((v, ctx) => {
  if (isIP(v.address) === 4 && v.prefix > 32) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'at most 32 for IPv4' });
});
export const SyncPathInput = z.strictObject({ groupId, path: absPath, excludes: z.array(glob).max(50).default([]) });
export const NotifyTargetInput = z.strictObject({
  groupId,
  type: z.enum(NOTIFY_TYPES),
  target: configText(255).pipe(z.string().min(1)),
  enabled: z.boolean().default(true),
}).superRefine((t, ctx) => {
  const problem = notifyTargetProblem(t.type, t.target);
  if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
});

/** The rows under a group: deleted with it. */
const UNDER_GROUP = [
  { entity: HaNodeSchema, label: 'nodes' }, { entity: HaVipSchema, label: 'VIPs' },
  { entity: HaSyncPathSchema, label: 'synced paths' }, { entity: HaNotifyTargetSchema, label: 'notification targets' },
].map((c) => ({ ...c, column: 'groupId', cascade: true }));

/** Every field of a group ends up in keepalived.conf or node.json of its nodes (the cluster parent's default). */
export const groupResource = defineResource<HaGroup>({
  name: 'groups', singular: 'group', defaultSort: 'name', entity: HaGroupSchema, input: GroupInput, parent: 'cluster',
  search: ['name', 'description'], unique: [['clusterId', 'name']], children: UNDER_GROUP,
  // Its nodes are servers of that cluster.
  check: (_em, g, existing) => (existing && g.clusterId !== existing.clusterId ? [{ field: 'clusterId', message: 'a group cannot move to another cluster' }] : []),
});

export interface ChildDeps {
  /** The cluster's servers, read through the write's `em` (ModelService.servers). */
  servers(clusterId: number, em: EntityManager): Promise<ServerView[]>;
  /** Whether node.json carries the syslog notification targets (settings.syslogFrom is not `acm`). */
  syslogInNodeConfig: boolean;
}

/**
 * Nodes, VIPs, synced paths and notification targets, each under its group (`groupId`): placed,
 * scoped and counted as the group. keepalived.conf and node.json are rendered from the group, its
 * nodes and VIPs, and (when the nodes send syslog themselves) its syslog targets; synced paths
 * drive the sync job only, other targets acm's own notifications: audited, no commit waits.
 */
export function childResources(groups: Resource<HaGroup>, deps: ChildDeps): ResourceDeclaration<any>[] {
  const parent = { resource: groups, column: 'groupId' };
  const common = { parent, permission: 'ha.group' } as const;
  return [
    defineResource<HaNode>({
      ...common, name: 'nodes', singular: 'node', entity: HaNodeSchema, input: NodeInput,
      search: ['interface', 'sourceAddress', 'replicationAddress'], filters: ['serverId'],
      // The highest priority is the primary: two nodes of a group never share one.
      unique: [['groupId', 'serverId'], ['groupId', 'priority']], defaultSort: 'priority',
      async check(em, n) {
        const servers = await deps.servers(n.clusterId, em);
        return servers.some((s) => s.id === n.serverId) ? [] : [{ field: 'serverId', message: `no server ${n.serverId} in the group's cluster` }];
      },
    }),
    defineResource<HaVip>({
      ...common, name: 'vips', singular: 'vip', entity: HaVipSchema, input: VipInput, search: ['address', 'kind'],
      // One vrrp_instance per virtual_router_id in a group; an address is one VIP anywhere.
      unique: [['groupId', 'virtualRouterId'], ['address']],
    }),
    defineResource<HaSyncPath>({
      ...common, name: 'sync-paths', singular: 'sync-path', entity: HaSyncPathSchema, input: SyncPathInput, search: ['path'],
      clusters: () => [],
    }),
    defineResource<HaNotifyTarget>({
      ...common, name: 'notify-targets', singular: 'notify-target', entity: HaNotifyTargetSchema, input: NotifyTargetInput, search: ['type', 'target'],
      clusters: (t) => (deps.syslogInNodeConfig && t.type === 'syslog' ? [t.clusterId] : []),
    }),
  ];
}
