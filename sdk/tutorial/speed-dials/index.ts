import {
  configText, confName, confValue, definePlugin, dialNumberProblem, dialNumberSchema, tenantPrefix, z, type ClusterSnapshotView,
} from '../../index.ts';
import { manifest } from './manifest.ts';
import { SpeedDialSchema, type SpeedDial } from './entities.ts';
import { migrations } from './migrations/index.ts';

const CODE = /^\*8[0-9]{1,2}$/;

/** The one schema of the API, the CLI and the form (in /api/openapi.json: SpeedDialsDialInput). */
export const SpeedDialInput = z.strictObject({
  clusterId: z.number().int().positive(),
  code: z.string().regex(CODE, '*8 and one or two digits, e.g. *81'),
  number: dialNumberSchema(),
  label: configText(80).nullable().optional(),
});

/**
 * The context acm-speeddial (tenant-prefixed), included from the tenant's internal context. A
 * code goes to its number in the caller's own context (`${CONTEXT}`: set by acm's endpoint, not
 * by the caller), so it reaches only numbers the caller may dial anyway. Goto's arguments are
 * checked again on the way out: no stored row may add or end one.
 */
export function renderSpeedDials(s: ClusterSnapshotView, dials: readonly SpeedDial[]): string {
  if (!dials.length) return '';
  const p = tenantPrefix(s.tenant);
  const ctx = confName(`${p}acm-speeddial`, 'context');
  const lines = [`; speed dials of cluster ${confValue(s.cluster.name)}`, `[${p}internal]`, `include => ${ctx}`, '', `[${ctx}]`];
  for (const d of dials) {
    if (!CODE.test(d.code) || dialNumberProblem(d.number)) throw new Error(`speed dial ${d.id}: ${JSON.stringify([d.code, d.number])} cannot go into Goto()`);
    if (d.label) lines.push(`; ${confValue(d.label, 'label')}`);
    lines.push(`exten => ${d.code},1,Goto(\${CONTEXT},${d.number},1)`);
  }
  return `${lines.join('\n')}\n`;
}

export default definePlugin({
  manifest,
  entities: [SpeedDialSchema],
  migrations,
  setup(ctx) {
    // Routes, `acm speed-dials dials …`, the OpenAPI schema and every write (validated, with its
    // change waiting and its audit event): all from this one declaration.
    const dials = ctx.resources.define({
      name: 'dials', singular: 'dial', entity: SpeedDialSchema, input: SpeedDialInput, parent: 'cluster',
      search: ['code', 'number', 'label'], unique: [['clusterId', 'code']],
    });
    ctx.commit.file({
      name: 'acm/extensions-speeddial.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      note: 'acm renders the context acm-speeddial (t<id>- prefixed for other tenants) and includes it from internal.',
      // No verify: the core's pbx_config verifier proves that every rendered context loaded.
      render: async (s) => renderSpeedDials(s, await dials.all(s.cluster.id)),
    });
  },
});
