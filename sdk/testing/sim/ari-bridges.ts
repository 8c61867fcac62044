/**
 * ARI bridges of the simulator (POST /bridges, addChannel, DELETE), as recorded in
 * ari-call-bridge.txt and ari-call-extras.txt: ChannelEnteredBridge per channel, BRIDGEPEER of a
 * mixing pair, channels leaving last-added first, BridgeDestroyed only for a bridge emptied before.
 */
import crypto from 'node:crypto';
import { ariTimestamp, type PbxState } from './state.ts';
import { msg, type AriCall, type AriReply } from './ari-calls.ts';

export interface BridgeHost {
  call(id: string): AriCall | undefined;
  emit(c: AriCall, e: Record<string, unknown>): void;
  channel(c: AriCall): Record<string, unknown>;
}

interface Bridge {
  id: string;
  type: 'mixing' | 'holding';
  name: string;
  channels: string[];
  createdAt: Date;
  /** An app channel was in it: the app hears BridgeDestroyed. */
  app?: string;
}

export class AriBridges {
  private bridges = new Map<string, Bridge>();

  constructor(private readonly s: PbxState, private readonly host: BridgeHost) {}

  stop(): void {
    this.bridges.clear();
  }

  route(seg: string[], method: string, q: URLSearchParams): AriReply | undefined {
    const [, id, op] = seg;
    if (seg.length === 1) return method === 'POST' ? this.createBridge(q) : method === 'GET' ? { status: 200, body: this.listBridges() } : undefined;
    if (seg.length === 2 && method === 'GET') return this.getBridge(id!);
    if (seg.length === 2 && method === 'DELETE') return this.destroyBridge(id!);
    if (seg.length === 3 && method === 'POST' && op === 'addChannel') return this.addChannel(id!, q);
    return undefined;
  }

  private view(b: Bridge): Record<string, unknown> {
    return {
      id: b.id, technology: b.type === 'holding' ? 'holding_bridge' : 'simple_bridge', bridge_type: b.type, bridge_class: 'stasis', creator: 'Stasis',
      name: b.name, channels: [...b.channels], creationtime: ariTimestamp(b.createdAt), video_mode: 'talker',
    };
  }

  private listBridges(): unknown[] {
    return [...this.bridges.values()].map((b) => this.view(b));
  }

  private getBridge(id: string): AriReply {
    const b = this.bridges.get(id);
    return b ? { status: 200, body: this.view(b) } : msg(404, 'Bridge not found');
  }

  /** POST /bridges */
  createBridge(q: URLSearchParams): AriReply {
    const type = q.get('type') || 'mixing';
    const id = q.get('bridgeId') || crypto.randomUUID();
    if (type !== 'mixing' && type !== 'holding') return msg(500, 'Unable to create bridge. Possible duplicate bridge id \'(null)\'', 'Internal Error');
    if (this.bridges.has(id)) return msg(409, `Bridge with id '${id}' already exists`);
    const b: Bridge = { id, type, name: q.get('name') ?? '', channels: [], createdAt: new Date() };
    this.bridges.set(id, b);
    return { status: 200, body: this.view(b) };
  }

  /** POST /bridges/{id}/addChannel */
  addChannel(id: string, q: URLSearchParams): AriReply {
    const b = this.bridges.get(id);
    if (!b) return msg(404, 'Bridge not found', 'Not found');
    const ids = q.getAll('channel').flatMap((x) => x.split(',')).filter(Boolean);
    if (ids.length === 0) return msg(400, 'Missing parameter channel');
    const calls: AriCall[] = [];
    for (const cid of ids) {
      const c = this.host.call(cid);
      if (!c) return msg(400, 'Channel not found');
      if (!c.inStasis) return msg(422, 'Channel not in Stasis application');
      calls.push(c);
    }
    setImmediate(() => {
      for (const c of calls) {
        if (!this.host.call(c.ch.uniqueid) || c.ch.bridgeId === b.id) continue;
        if (c.ch.bridgeId) this.leave(c);
        c.ch.bridgeId = b.id;
        b.channels.push(c.ch.uniqueid);
        b.app ??= c.app;
        this.host.emit(c, { type: 'ChannelEnteredBridge', bridge: this.view(b), channel: this.host.channel(c) });
      }
      if (b.type === 'mixing' && b.channels.length === 2) {
        const [x, y] = b.channels.map((cid) => this.host.call(cid)!);
        this.host.emit(x!, { type: 'ChannelVarset', variable: 'BRIDGEPEER', value: y!.ch.name, channel: this.host.channel(x!) });
        this.host.emit(y!, { type: 'ChannelVarset', variable: 'BRIDGEPEER', value: x!.ch.name, channel: this.host.channel(y!) });
      }
    });
    return { status: 204, body: undefined };
  }

  /** The channel leaves its bridge (hung up, continued, or moved). */
  leave(c: AriCall): void {
    const b = this.bridges.get(c.ch.bridgeId);
    c.ch.bridgeId = '';
    if (!b) return;
    b.channels = b.channels.filter((x) => x !== c.ch.uniqueid);
    this.host.emit(c, { type: 'ChannelLeftBridge', bridge: this.view(b), channel: this.host.channel(c) });
  }

  /** DELETE /bridges/{id}: the channels leave it (last added first), still in Stasis. */
  destroyBridge(id: string): AriReply {
    const b = this.bridges.get(id);
    if (!b) return msg(404, 'Bridge not found', 'Not found');
    const members = b.channels.map((cid) => this.host.call(cid)).filter((c): c is AriCall => !!c);
    if (b.type === 'mixing' && members.length >= 2) for (const c of members) this.host.emit(c, { type: 'ChannelVarset', variable: 'BRIDGEPEER', value: '', channel: this.host.channel(c) });
    for (const c of members.reverse()) this.leave(c);
    this.bridges.delete(id);
    if (members.length === 0 && b.app) this.s.emitAri({ type: 'BridgeDestroyed', bridge: this.view(b), application: b.app });
    return { status: 204, body: undefined };
  }
}
