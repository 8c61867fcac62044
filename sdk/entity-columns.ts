import { BlobType } from '@mikro-orm/core';

/**
 * Column definitions every declared resource's entity repeats: its id, the placement the kit
 * writes (tenant, site, cluster) and the timestamps. Spread them into an EntitySchema's
 * `properties` (`{ ...columns.id, ...columns.cluster, name: …, ...columns.stamps }`).
 */
export const columns = {
  id: { id: { type: 'integer', primary: true, autoincrement: true } },
  /** A row under a tenant. */
  tenant: { tenantId: { type: 'integer', index: true } },
  /** A row under a cluster (or under a resource that is): its tenant, site and cluster. */
  cluster: {
    tenantId: { type: 'integer', index: true },
    siteId: { type: 'integer', index: true },
    clusterId: { type: 'integer', index: true },
  },
  stamps: {
    createdAt: { type: 'datetime', onCreate: () => new Date() },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
  /** A JSON value stored as text: MariaDB's json type adds a CHECK the schema diff does not keep. */
  json: { type: 'json', columnType: 'mediumtext' },
  /**
   * Bytes, read back as a Buffer on every driver (the type class converts libsql's ArrayBuffer;
   * the string `'blob'` would not). `longblob`: MariaDB's `blob` stops at 64 KiB; SQLite gives it
   * BLOB affinity. Keep values under MariaDB's max_allowed_packet (16 MB by default).
   */
  blob: { type: BlobType, columnType: 'longblob' },
} as const;
