import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import type { EventBus } from '../../sdk/bus.ts';
import type { LicenseService } from '../../sdk/core-services.ts';
import { ConflictError, PluginError } from '../../sdk/errors.ts';
import type { ConfigChange, PluginDb } from '../../sdk/plugin.ts';
import { recordChange } from './crud-rules.ts';
import { MODEL_CHANGED_SUBJECT } from '../bus/subjects.ts';

/** What `acm.model.changed` carries for a plugin's write (the core's own carry `{ entity }`). */
export interface ModelChanged { entity: string; tenantId?: number; clusterIds?: readonly number[] | null }

/** Column widths of ChangeSetEntry.entity and AuditEvent.target. */
const ENTITY_MAX = 40;

/**
 * `ctx.db.write` of one plugin: the plugin's rows, their ChangeSet entries and audit events in
 * one transaction (crud-rules' recordChange, as the core's CRUD), then `acm.model.changed` per
 * changed object, so the changes waiting are counted again wherever they are shown.
 */
export function pluginWriter(pluginId: string, deps: { orm: MikroORM; bus: EventBus; license: LicenseService }): PluginDb['write'] {
  return async (actor, fn) => {
    deps.license.assertWritable();
    const changes: ConfigChange[] = [];
    let out;
    try {
      out = await deps.orm.em.fork().transactional((em) => fn({
        em,
        changed(change) {
          if (!change.entity.startsWith(`${pluginId}.`) || change.entity.length > ENTITY_MAX) {
            throw new PluginError(`plugin "${pluginId}": a change names entity "${change.entity}"; it must be "${pluginId}.<object>", at most ${ENTITY_MAX} characters`);
          }
          if (!Number.isInteger(change.id)) throw new PluginError(`plugin "${pluginId}": ${change.entity} has no id yet; call changed() after em.flush()`);
          recordChange(em, actor, change);
          changes.push(change);
        },
      }));
    } catch (err) {
      // The table's unique key caught what the plugin's own check missed (two writes at once).
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError('conflicts with an existing row');
      throw err;
    }
    for (const c of changes) deps.bus.publish<ModelChanged>(MODEL_CHANGED_SUBJECT, { entity: c.entity, tenantId: c.tenantId, clusterIds: c.clusterIds });
    return out;
  };
}
