import { coreServices, definePlugin, type AmiEvent } from '../../../../sdk/index.ts';
import { statusTiles, type TileState } from '../../../../plugins/status/api/index.ts';
import { manifest } from './manifest.ts';
import { DEFAULT_KBPS, trunkUsage, type LiveChannel, type TrunkUsage } from './utilization.ts';

/**
 * A site module: the seed's "ITSP utilization" tile. Follows channels from AMI (Newchannel /
 * Hangup, CoreShowChannels to resync) and counts them per trunk and group against each trunk's
 * `maxChannels`, with the bandwidth they need.
 */
export default definePlugin({
  manifest,
  setup(ctx) {
    const ami = ctx.get(coreServices.ami);
    const model = ctx.get(coreServices.model);
    /** serverId → uniqueid → channel */
    const channels = new Map<number, Map<string, LiveChannel>>();
    const syncedAt = new Map<number, number>();

    const on = (e: AmiEvent) => {
      const uid = e.fields.Uniqueid;
      if (!uid) return;
      const mine = channels.get(e.serverId) ?? new Map<string, LiveChannel>();
      channels.set(e.serverId, mine);
      if (e.event === 'Hangup') mine.delete(uid);
      else mine.set(uid, { channel: e.fields.Channel ?? '', uniqueid: uid, linkedid: e.fields.Linkedid ?? uid });
    };
    ctx.ami.on('Newchannel', on);
    ctx.ami.on('Hangup', on);

    /** Re-reads the channels of servers whose last full read is stale. */
    const resync = async (serverId: number) => {
      const last = syncedAt.get(serverId);
      if (last !== undefined && Date.now() - last < ctx.settings.resyncSeconds * 1000) return;
      const items = await ami.list(serverId, 'CoreShowChannels');
      channels.set(serverId, new Map(items.filter((i) => i.Uniqueid).map((i) => [i.Uniqueid!, { channel: i.Channel ?? '', uniqueid: i.Uniqueid!, linkedid: i.Linkedid ?? i.Uniqueid! }])));
      syncedAt.set(serverId, Date.now());
    };

    ctx.extend(statusTiles, 'itsp-utilization', {
      title: 'ITSP utilization',
      order: 70,
      async render() {
        const rows: TrunkUsage[] = [];
        const connected = ami.connected();
        for (const cluster of await model.clusters()) {
          const servers = connected.filter((s) => s.clusterId === cluster.id);
          for (const s of servers) await resync(s.serverId).catch(() => undefined);
          const live = servers.flatMap((s) => [...(channels.get(s.serverId)?.values() ?? [])]);
          rows.push(...trunkUsage(await model.snapshot(cluster.id), live));
        }
        if (!rows.length) return { state: 'unknown', summary: 'no trunks', details: { trunks: [] } };
        const calls = rows.reduce((n, r) => n + r.inUse, 0);
        // utilization counts the trunks with a capacity; calls on the others only add bandwidth
        const capped = rows.filter((r) => r.maxChannels);
        const cappedCalls = capped.reduce((n, r) => n + r.inUse, 0);
        const capacity = capped.reduce((n, r) => n + (r.maxChannels ?? 0), 0);
        const kbps = Math.round(rows.reduce((n, r) => n + r.kbps, 0));
        const worst = Math.max(0, ...rows.map((r) => r.percent ?? 0));
        const state: TileState = !connected.length ? 'unknown'
          : worst >= ctx.settings.alarmPercent ? 'red' : worst >= ctx.settings.warnPercent ? 'orange' : 'green';
        const pct = capacity ? `${Math.round((cappedCalls / capacity) * 1000) / 10} % of ${capacity} channels` : 'no capacity set';
        return {
          state,
          summary: `${calls} trunk calls, ${pct}, approx ${kbps} kbit/s each way${connected.length ? '' : ' (no server connected)'}`,
          details: { trunks: rows, calls, capacity, kbps, kbpsPerG711Call: DEFAULT_KBPS },
        };
      },
    });
  },
});
