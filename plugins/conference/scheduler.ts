import type { AmiService, Logger } from './deps.ts';
import { isOpen } from './schedule.ts';
import { ASTDB_FAMILY } from './render.ts';
import type { Room } from './entities.ts';

export interface SchedulerDeps {
  rooms(): Promise<Room[]>;
  setOpen(id: number, open: boolean, at: Date): Promise<void>;
  ami: AmiService;
  logger: Logger;
}

/**
 * Opens and closes rooms: computes each room's window at `now`, writes `open`/`closed` into
 * AstDB (`acm-conference/<number>`, read by the rendered dialplan) on every connected server of
 * the room's cluster, and records the state on the room. It remembers what each server was
 * told, so a server that was down (or acm restarting) is brought up to date on the next run;
 * a failed push is retried on the next run.
 */
export class Scheduler {
  private told = new Map<string, boolean>();

  constructor(private deps: SchedulerDeps) {}

  private async push(room: Pick<Room, 'clusterId' | 'number'>, open: boolean): Promise<void> {
    for (const s of this.deps.ami.connected(room.clusterId)) {
      const k = `${s.serverId}|${room.number}`;
      if (this.told.get(k) === open) continue;
      try {
        await this.deps.ami.action(s.serverId, 'DBPut', { Family: ASTDB_FAMILY, Key: room.number, Val: open ? 'open' : 'closed' });
        this.told.set(k, open);
      } catch (err) {
        this.deps.logger.warn({ room: room.number, serverId: s.serverId, err: (err as Error).message }, 'could not open/close conference room');
      }
    }
  }

  /** A deleted room (or one that moved number or cluster): closed for good on its servers. */
  async forget(room: Pick<Room, 'clusterId' | 'number'>): Promise<void> {
    for (const s of this.deps.ami.connected(room.clusterId)) {
      this.told.delete(`${s.serverId}|${room.number}`);
      await this.deps.ami.action(s.serverId, 'DBDel', { Family: ASTDB_FAMILY, Key: room.number }).catch(() => undefined);
    }
  }

  async run(now: Date, only?: (r: Room) => boolean): Promise<{ opened: string[]; closed: string[] }> {
    const opened: string[] = [];
    const closed: string[] = [];
    for (const room of await this.deps.rooms()) {
      if (only && !only(room)) continue;
      const open = isOpen(room, now);
      await this.push(room, open);
      if (open !== room.open) {
        await this.deps.setOpen(room.id, open, now);
        (open ? opened : closed).push(room.number);
      }
    }
    return { opened, closed };
  }
}
