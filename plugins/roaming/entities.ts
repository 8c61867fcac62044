import { columns, EntitySchema, SecretType } from '../../sdk/index.ts';

/** An IAX2 + DUNDi link between two clusters of one tenant. Tables of this plugin are prefixed `roaming_`. */
export interface RoamingLink {
  id: number;
  tenantId: number;
  clusterId: number;
  peerClusterId: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The seed's `roaming` yes/no of an extension: published over DUNDi, dialled from every linked cluster. */
export interface Roamer {
  id: number;
  tenantId: number;
  extensionId: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A department number (the seed's 5200 TechSupport) answered on several clusters: each one's
 * local extension first, the others in `clusterIds` order when it cannot take the call.
 */
export interface StandardNumber {
  id: number;
  tenantId: number;
  number: string;
  name: string;
  clusterIds: number[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An RSA key pair of a cluster (res_crypto). `active` signs; `next` is already on the peers
 * (a rotation's overlap) and becomes active; `retiring` is still accepted until the next rotation.
 */
export type KeyState = 'active' | 'next' | 'retiring';
export interface RoamingKey {
  id: number;
  tenantId: number;
  clusterId: number;
  state: KeyState;
  /** SPKI PEM: the `.pub` file as written. */
  publicKey: string;
  /** PKCS#8 PEM: the `.key` file, only on the cluster's own servers; sealed at rest. */
  privateKey: string;
  /** MD5 of the `.pub` file: what `keys show` prints as Sum. */
  fingerprint: string;
  createdAt: Date;
  updatedAt: Date;
}

const { stamps } = columns;

export const LinkSchema = new EntitySchema<RoamingLink>({
  name: 'RoamingLink',
  tableName: 'roaming_links',
  uniques: [{ properties: ['clusterId', 'peerClusterId'] }],
  properties: {
    ...columns.id, ...columns.tenant,
    clusterId: { type: 'integer', index: true },
    peerClusterId: { type: 'integer', index: true },
    ...stamps,
  },
});

export const RoamerSchema = new EntitySchema<Roamer>({
  name: 'RoamingRoamer',
  tableName: 'roaming_roamers',
  uniques: [{ properties: ['extensionId'] }],
  properties: { ...columns.id, ...columns.tenant, extensionId: { type: 'integer' }, ...stamps },
});

export const StandardNumberSchema = new EntitySchema<StandardNumber>({
  name: 'RoamingStandardNumber',
  tableName: 'roaming_standard_numbers',
  uniques: [{ properties: ['tenantId', 'number'] }],
  properties: {
    ...columns.id, ...columns.tenant,
    number: { type: 'string', length: 20 },
    name: { type: 'string', length: 40 },
    clusterIds: { ...columns.json },
    ...stamps,
  },
});

export const KeySchema = new EntitySchema<RoamingKey>({
  name: 'RoamingKey',
  tableName: 'roaming_keys',
  properties: {
    ...columns.id, ...columns.tenant,
    clusterId: { type: 'integer', index: true },
    state: { type: 'string', length: 10 },
    publicKey: { type: 'text' },
    privateKey: { type: SecretType, columnType: 'text' },
    fingerprint: { type: 'string', length: 32 },
    ...stamps,
  },
});

export const roamingEntities = [LinkSchema, RoamerSchema, StandardNumberSchema, KeySchema];
