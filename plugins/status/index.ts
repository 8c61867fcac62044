import { coreServices, definePlugin } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { statusService, statusTiles, type StatusService, type StatusTile } from './api/index.ts';

/**
 * The home page's tiles. The first-party plugin that proves the contract end to end: it reads
 * core services by ref, owns the `status.tiles` point (api/) that other plugins and site modules register into,
 * serves a route and provides a service.
 */
export default definePlugin({
  manifest,
  setup(ctx) {
    const license = ctx.get(coreServices.license);
    const kernel = ctx.get(coreServices.kernel);

    ctx.extend(statusTiles, 'acm-health', {
      title: 'acm',
      order: 0,
      render() {
        const l = license.info();
        const plugins = kernel.plugins().filter((p) => p.started).length;
        const state = !l.valid ? 'red' : l.daysRemaining !== null && l.daysRemaining <= ctx.settings.licenseWarnDays ? 'orange' : 'green';
        const licenseText = l.valid ? `${l.type} license${l.daysRemaining === null ? '' : `, ${l.daysRemaining} days left`}` : `license: ${l.reason}`;
        return { state, summary: `acm ${kernel.version}, ${plugins} plugins running, ${licenseText}`, details: { license: l, plugins } };
      },
    });

    const service: StatusService = {
      async tiles() {
        const all = [...ctx.registrations(statusTiles).entries()].sort(([ka, a], [kb, b]) => (a.order ?? 100) - (b.order ?? 100) || ka.localeCompare(kb));
        return Promise.all(all.map(async ([id, t]): Promise<StatusTile> => {
          try {
            return { id, title: t.title, link: t.link, ...(await t.render()) };
          } catch (err) {
            return { id, title: t.title, link: t.link, state: 'unknown', summary: `tile failed: ${(err as Error).message}` };
          }
        }));
      },
    };
    ctx.provide(statusService, service);
    ctx.http.route('GET', '/tiles', 'status.tile:read', () => service.tiles());
  },
});
