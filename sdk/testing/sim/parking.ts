/**
 * Parking lots (res_parking) from res_parking.conf. Asterisk 20 semantics: every section except
 * `general` is a lot (`parkpos = start-stop`, default 701-750; `parkingtime`, default 45); a lot
 * named `default` is added when the file has none; a file that fails to parse is a reload
 * failure (AMI Reload answers Error, Status 3) and the old lots stay.
 */
import { acoFatalLog, FileStamps, parseConfig, sectionValue, type ConfigSource } from './config-parser.ts';
import { ao2HashOrder } from './ao2.ts';

export interface ParkingLot {
  name: string;
  start: number;
  stop: number;
  timeout: number;
  parkext: string;
  context: string;
}

export class Parking {
  lots: ParkingLot[] = [];

  private readonly stamps = new FileStamps();

  /**
   * Returns false when the file was rejected (a reload failure). On `reload`, an untouched file
   * is not reparsed and the reload succeeds, even right after a rejection (seen live).
   */
  load(source: ConfigSource, log: string[], reload = false): boolean {
    if (reload && this.stamps.unchanged(source, 'res_parking.conf')) return true;
    const parsed = parseConfig(source, 'res_parking.conf');
    this.stamps.remember(source, parsed.files);
    if (parsed.fatal) {
      log.push(...acoFatalLog(parsed.fatal, 'res_parking.conf'));
      return false;
    }
    const next: ParkingLot[] = [];
    for (const s of parsed.sections) {
      if (s.name === 'general' || s.isTemplate) continue;
      const pos = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(sectionValue(s, 'parkpos') ?? '701-750');
      const timeout = sectionValue(s, 'parkingtime') ?? '45';
      if (!pos || !/^\d+$/.test(timeout) || Number(pos[1]) > Number(pos[2])) {
        log.push(`ERROR config_options.c: In res_parking.conf: Processing options for ${s.name} failed`);
        return false;
      }
      next.push({ name: s.name, start: Number(pos[1]), stop: Number(pos[2]), timeout: Number(timeout), parkext: sectionValue(s, 'parkext') ?? '', context: sectionValue(s, 'context') ?? 'parkedcalls' });
    }
    if (!next.some((l) => l.name === 'default')) {
      log.push('NOTICE res_parking.c: Adding default profile to res_parking');
      next.push({ name: 'default', start: 701, stop: 750, timeout: 45, parkext: '', context: 'parkedcalls' });
    }
    this.lots = ao2HashOrder(next, (l) => l.name, 37);
    return true;
  }
}
