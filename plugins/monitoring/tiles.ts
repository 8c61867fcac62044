import type { StatusTileProvider } from '../status/api/index.ts';
import type { HealthStore } from './history.ts';
import { SEVERITY, worst, type Metric } from './metrics.ts';

/**
 * A home-page tile over one group of metrics of every server: its worst state, the reasons of
 * the worst servers first, and per server its state and reasons in the details.
 */
export function healthTile(store: HealthStore, shows: (m: Metric) => boolean, title: string, order: number, okText: (n: number) => string): StatusTileProvider {
  return {
    title, order, link: '/health',
    render() {
      const servers = store.all();
      if (!servers.length) return { state: 'unknown', summary: 'no health round yet (or no enabled servers)' };
      if (!servers.some((h) => h.metrics.some(shows))) return { state: 'unknown', summary: 'nothing of this kind is checked' };
      const rows = servers.filter((h) => h.metrics.some(shows)).map((h) => {
        const metrics = h.metrics.filter(shows);
        const bad = metrics.filter((m) => m.state !== 'green').sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state]);
        return { h, state: worst(metrics.map((m) => m.state)), reasons: bad.map((m) => `${m.label}: ${m.text}`) };
      });
      const state = worst(rows.map((r) => r.state));
      const top = rows.filter((r) => r.state === state && state !== 'green');
      const summary = state === 'green' ? okText(rows.length)
        : top.slice(0, 2).map((r) => `${r.h.name}: ${r.reasons[0]}`).join('; ') + (top.length > 2 ? ` (+${top.length - 2} more)` : '');
      return { state, summary, details: Object.fromEntries(rows.map((r) => [`${r.h.cluster}/${r.h.name}`, { state: r.state, reasons: r.reasons }])) };
    },
  };
}
