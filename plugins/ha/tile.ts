import type { HaGroupStatus } from './api/index.ts';
import { statusTiles } from '../status/api/index.ts';
import type { HaDeps } from './deps.ts';
import type { StatusOf } from './node-status.ts';

/** The status page's "Service availability" tile. */
export function registerTile({ ctx, store }: HaDeps, statusOf: StatusOf): void {
  let last: HaGroupStatus[] = [];
  ctx.extend(statusTiles, 'ha', {
    title: 'Service availability', order: 20, link: '/api/plugins/ha/status',
    async render() {
      last = await statusOf(await store.allGroups()).catch(() => last);
      if (!last.length) return { state: 'unknown', summary: 'no HA groups' };
      const bad = last.filter((g) => g.state === 'split' || g.state === 'down');
      const failover = last.filter((g) => g.state === 'failover');
      const state = bad.length ? 'red' : failover.length ? 'orange' : last.every((g) => g.state === 'normal') ? 'green' : 'unknown';
      const summary = bad.length ? `${bad.map((g) => g.name).join(', ')}: ${bad[0]!.words}` : failover.length ? `current HA failover active: ${failover.map((g) => g.name).join(', ')}` : `${last.length} HA group(s) in normal state`;
      return { state, summary, details: Object.fromEntries(last.map((g) => [g.name, { state: g.state, words: g.words, vips: g.vips.map((v) => `${v.kind} ${v.address}: ${v.heldBy.join(', ') || 'nobody'}`) }])) };
    },
  });
}
