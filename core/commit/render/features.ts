import type { ClusterSnapshotView, TenantView } from '../../../sdk/commit.ts';
import { byExtension, ConfWriter, fileHeader, names, RESERVED_SECTIONS } from './common.ts';
import { addTo } from '../../util/group.ts';

export const PARKING_FILE = 'acm/res_parking.acm.conf';
export const MOH_FILE = 'acm/musiconhold.acm.conf';

/**
 * Call pickup and call groups need nothing global (they are endpoint options), so acm writes no
 * features.conf. Parking lives in res_parking.conf since Asterisk 12: one lot per tenant, whose
 * context the tenant's internal context includes (dial the park extension to park, a space to
 * retrieve).
 */
export interface ParkingLot { lot: string; context: string; parkext: string; first: number; last: number; parkingtime: number }

export function parkingOf(t: TenantView): ParkingLot {
  const lot = names.parkingLot(t);
  return { lot, context: lot, parkext: '700', first: 701, last: 720, parkingtime: 45 };
}

export function renderParking(s: ClusterSnapshotView): string {
  const w = new ConfWriter(RESERVED_SECTIONS.res_parking);
  fileHeader(w, s, 'res_parking.conf parking lots');
  const p = parkingOf(s.tenant);
  w.blank().comment(`parking lot of tenant ${s.tenant.name} (id ${s.tenant.id})`);
  w.section(p.lot)
    .arrow('context', p.context)
    .arrow('parkext', p.parkext)
    .arrow('parkpos', `${p.first}-${p.last}`)
    .arrow('parkingtime', String(p.parkingtime));
  return w.toString();
}

/** Music-on-hold classes the cluster's extensions name (`default` is the server's own, never written). */
export function mohClasses(s: ClusterSnapshotView): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const e of [...s.extensions].sort(byExtension)) {
    if (!e.musicOnHold) continue;
    const cls = names.mohClass(s.tenant, e.musicOnHold);
    if (cls === 'default') continue;
    addTo(classes, cls, e.extension);
  }
  return new Map([...classes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function renderMusicOnHold(s: ClusterSnapshotView): string {
  const w = new ConfWriter(RESERVED_SECTIONS.musiconhold);
  fileHeader(w, s, 'musiconhold.conf classes');
  for (const [cls, exts] of mohClasses(s)) {
    w.blank().comment(`class ${cls} - used by extension ${exts.join(', ')}`);
    // A relative directory is taken under astdatadir (the sample's [default] uses directory=moh).
    w.section(cls).set('mode', 'files').set('directory', `moh/${cls}`);
  }
  return w.toString();
}
