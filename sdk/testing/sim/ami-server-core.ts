/**
 * The simulated AMI server's connection handling (TCP, CRLF framing, sessions, permissions).
 * See DIFFERENCES.md for what the simulator knowingly does differently.
 */
import net from 'node:net';
import { AmiFrameParser, type AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import { AMI_BANNER } from './defaults.ts';
import { type Fields, type PbxState, type SimAmiEvent } from './state.ts';

/** An AMI account. `read`/`write`: class lists or 'all' (default 'all'). */
export interface SimAmiUser {
  secret: string;
  read?: string[] | 'all';
  write?: string[] | 'all';
}

/** An AMI action as a test's handler sees it: its name as sent and its headers. */
export interface SimActionRequest {
  action: string;
  /** First value of a header (case-insensitive), e.g. `get('Conference')`. */
  get(name: string): string | undefined;
  headers: Fields;
}

/** What a test's handler answers: `Response: Success` (default) or `Error`, with further headers. */
export interface SimActionAnswer {
  response?: 'Success' | 'Error';
  /** The `Message:` header. */
  message?: string;
  fields?: Fields | Record<string, string>;
}

export type SimActionHandler = (req: SimActionRequest) => SimActionAnswer | void;

export interface AmiServerOptions {
  users: Record<string, SimAmiUser>;
  /** Delay before `Authentication failed` (real: ~1 s). */
  authFailDelayMs: number;
  /** manager.conf `timestampevents = yes`: every event gets a `Timestamp:` after `Privilege:`. */
  timestampEvents?: boolean;
  /** Test handlers by lower-case action name, consulted before the simulator's own. */
  actionHandlers?: ReadonlyMap<string, SimActionHandler>;
}

export interface Session {
  socket: net.Socket;
  parser: AmiFrameParser;
  user?: string;
  /** Event classes this session receives (after Events/Login filter); undefined = none. */
  eventClasses: Set<string> | 'all' | undefined;
  closing: boolean;
  /** Login failed: everything else on this connection is ignored until it closes. */
  dead: boolean;
}

/** Write classes an action needs (any one suffices); [] = class-free. */
export const ACTION_CLASSES: Record<string, string[]> = {
  ping: [], logoff: [], login: [], challenge: [], events: [], listcommands: [], queuestatus: [], queuesummary: [],
  queueadd: ['agent'], queueremove: ['agent'], queuepause: ['agent'], queuepenalty: ['agent'], queuememberringinuse: ['agent'], queuereset: [],
  command: ['command'],
  corestatus: ['system', 'reporting'], coresettings: ['system', 'reporting'], status: ['system', 'call', 'reporting'],
  coreshowchannels: ['system', 'reporting'], originate: ['originate'], hangup: ['system', 'call'], redirect: ['call'],
  reload: ['system', 'config'], moduleload: ['system'], modulecheck: ['system'],
  dbget: ['system', 'reporting'], dbput: ['system'], dbdel: ['system'], dbdeltree: ['system'],
  confbridgelist: ['reporting'], confbridgelistrooms: ['reporting'], extensionstate: ['call', 'reporting'],
  mailboxcount: ['call', 'reporting'], pjsipshowendpoints: ['system'], pjsipshowendpoint: ['system'],
  pjsipshowaors: ['system'], pjsipshowauths: ['system'], pjsipshowcontacts: ['system'],
  voicemailuserslist: ['call', 'reporting'], parkinglots: ['call', 'reporting'],
};

const ALL_CLASSES = ['system', 'call', 'log', 'verbose', 'command', 'agent', 'user', 'config', 'dtmf', 'reporting', 'cdr', 'dialplan', 'originate', 'agi', 'cc', 'aoc', 'test', 'security', 'message'];

/**
 * Sessions, framing, login state, event fan-out and fault switches; the actions are in AmiServer
 * (ami-server.ts).
 */
export class AmiServerCore {
  protected server: net.Server | undefined;
  protected sessions = new Set<Session>();
  protected timers = new Set<NodeJS.Timeout>();
  protected readonly onStateEvent = (e: SimAmiEvent) => this.broadcast(e);
  /** Fault switches (see SimulatedAsterisk). */
  slowResponsesMs = 0;
  neverAnswer = false;
  protected dropAfterItems: number | undefined;
  port = 0;

  constructor(protected readonly state: PbxState, protected readonly opts: AmiServerOptions) {}

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.state.on('ami', this.onStateEvent);
    return this.port;
  }

  async stop(): Promise<void> {
    this.state.off('ami', this.onStateEvent);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sessions) s.socket.destroy();
    this.sessions.clear();
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  /** Close the socket after the next list action has sent `n` items. */
  dropAfterNextListItems(n: number): void {
    this.dropAfterItems = n;
  }

  /** Write raw bytes to every connected AMI client. */
  sendRaw(data: string | Buffer): void {
    for (const s of this.sessions) if (!s.socket.destroyed) s.socket.write(data);
  }

  /** Number of connected sockets. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Drop every client connection (the server keeps listening). */
  dropAll(): void {
    for (const s of this.sessions) s.socket.destroy();
  }

  protected later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  protected accept(socket: net.Socket): void {
    const s: Session = { socket, parser: new AmiFrameParser({ expectBanner: false }), eventClasses: undefined, closing: false, dead: false };
    this.sessions.add(s);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => this.sessions.delete(s));
    socket.write(`${AMI_BANNER}\r\n`);
    socket.on('data', (chunk) => {
      for (const m of s.parser.push(chunk)) {
        if (s.closing || s.dead) return;
        if (this.neverAnswer) continue;
        if (this.slowResponsesMs > 0) this.later(this.slowResponsesMs, () => this.handle(s, m));
        else this.handle(s, m);
      }
    });
  }

  protected write(s: Session, text: string): void {
    if (!s.socket.destroyed && !s.closing) s.socket.write(text);
  }

  protected writeFinal(s: Session, text: string): void {
    if (!s.socket.destroyed) s.socket.write(text);
  }

  protected frame(fields: Fields): string {
    let out = '';
    for (const [k, v] of fields) out += `${k}: ${v}\r\n`;
    return out + '\r\n';
  }

  protected respond(s: Session, m: AmiMessage, response: string, fields: Fields = []): void {
    const id = m.get('ActionID');
    this.write(s, this.frame([['Response', response], ...(id !== undefined ? [['ActionID', id] as [string, string]] : []), ...fields]));
  }

  protected error(s: Session, m: AmiMessage, message: string): void {
    this.respond(s, m, 'Error', [['Message', message]]);
  }

  /**
   * A list answer: Success + `EventList: start`, items, `<complete>` event.
   * `idPos`: where ActionID goes in items ('second' for PJSIP/channel lists, 'last' for queue/DB).
   */
  protected list(s: Session, m: AmiMessage, message: string, items: Array<{ event: string; fields: Fields }>, complete: string, idPos: 'second' | 'last', extraComplete: Fields = []): void {
    const id = m.get('ActionID');
    const idf: Fields = id !== undefined ? [['ActionID', id]] : [];
    this.respond(s, m, 'Success', [['EventList', 'start'], ['Message', message]]);
    const drop = this.dropAfterItems;
    this.dropAfterItems = undefined;
    let n = 0;
    for (const it of items) {
      if (drop !== undefined && n >= drop) break;
      const fields: Fields = idPos === 'second' ? [['Event', it.event], ...idf, ...it.fields] : [['Event', it.event], ...it.fields, ...idf];
      this.write(s, this.frame(fields));
      n++;
    }
    if (drop !== undefined) {
      s.socket.destroy();
      return;
    }
    this.write(s, this.frame([['Event', complete], ...idf, ['EventList', 'Complete'], ['ListItems', String(items.length)], ...extraComplete]));
  }

  /** The answer to an action that does not exist (or whose module is not running). */
  protected unknown(s: Session, m: AmiMessage): void {
    this.error(s, m, `Invalid/unknown command: ${m.get('Action') ?? ''}. Use Action: ListCommands to show available commands.`);
  }

  protected userCan(s: Session, action: string): boolean {
    const need = ACTION_CLASSES[action];
    if (!need || need.length === 0) return true;
    const u = s.user ? this.opts.users[s.user] : undefined;
    const w = u?.write ?? 'all';
    if (w === 'all') return true;
    return need.some((c) => w.includes(c));
  }

  protected setEvents(s: Session, mode: string | undefined): void {
    const u = s.user ? this.opts.users[s.user] : undefined;
    const readAll = (u?.read ?? 'all') === 'all';
    const read = new Set(readAll ? ALL_CLASSES : (u?.read as string[]));
    const v = (mode ?? 'on').trim().toLowerCase();
    if (v === 'off' || v === 'no' || v === 'false' || v === '0') s.eventClasses = undefined;
    else if (v === 'on' || v === 'yes' || v === 'true' || v === '1' || v === 'all') s.eventClasses = readAll ? 'all' : read;
    else s.eventClasses = new Set(v.split(',').map((x) => x.trim()).filter((x) => read.has(x)));
  }

  protected takes(s: Session, cls: string): boolean {
    if (!s.user || s.eventClasses === undefined) return false;
    return s.eventClasses === 'all' || s.eventClasses.has(cls);
  }

  /** Events raised while an action runs: sent after its response, as Asterisk's stasis delivers them. */
  private held: SimAmiEvent[] | undefined;

  protected broadcast(e: SimAmiEvent): void {
    if (this.held) {
      this.held.push(e);
      return;
    }
    const now = Date.now();
    const stamp: Fields = this.opts.timestampEvents ? [['Timestamp', `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`]] : [];
    const text = this.frame([['Event', e.name], ['Privilege', `${e.privilege},all`], ...stamp, ['SystemName', this.state.systemName], ...e.fields]);
    for (const s of this.sessions) if (this.takes(s, e.privilege)) this.write(s, text);
  }

  // --- actions ---------------------------------------------------------------------
  /** Runs a test's handler (its permission is the session's write classes, as for unknown actions). */
  private answerWith(s: Session, m: AmiMessage, action: string, handler: SimActionHandler): void {
    if (!this.userCan(s, action.toLowerCase())) {
      this.error(s, m, 'Permission denied');
      return;
    }
    try {
      const a = handler({ action, get: (n) => m.get(n), headers: [...m.headers] }) ?? {};
      const fields: Fields = Array.isArray(a.fields) ? a.fields : Object.entries(a.fields ?? {});
      this.respond(s, m, a.response ?? 'Success', [...(a.message !== undefined ? [['Message', a.message] as [string, string]] : []), ...fields]);
    } catch (e) {
      this.error(s, m, `Internal simulator error: ${(e as Error).message}`);
    }
  }

  protected handle(s: Session, m: AmiMessage): void {
    const actionRaw = m.get('Action');
    if (actionRaw === undefined) {
      this.error(s, m, 'Missing action in request');
      return;
    }
    const action = actionRaw.toLowerCase();
    if (!s.user && action !== 'login' && action !== 'challenge') {
      this.error(s, m, 'Permission denied');
      return;
    }
    const custom = this.opts.actionHandlers?.get(action);
    if (custom) {
      this.answerWith(s, m, actionRaw, custom);
      return;
    }
    const h = (this as unknown as Record<string, ((s: Session, m: AmiMessage) => void) | undefined>)[`a_${action}`];
    if (typeof h !== 'function') {
      this.unknown(s, m);
      return;
    }
    if (!this.userCan(s, action)) {
      this.error(s, m, 'Permission denied');
      return;
    }
    this.held = [];
    try {
      h.call(this, s, m);
    } catch (e) {
      this.error(s, m, `Internal simulator error: ${(e as Error).message}`);
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const e of held) this.broadcast(e);
    }
  }
}
