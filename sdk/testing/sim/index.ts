/**
 * SimulatedAsterisk: an in-process stand-in for an Asterisk 20 server (AMI, ARI, SFTP/SSH and
 * optionally SIP OPTIONS over UDP) for tests, demos and `acm sim`. Listens on 127.0.0.1 with
 * OS-chosen ports by default; `stop()` releases every socket, timer and temp directory.
 * What it knowingly does differently from Asterisk 20 is listed in DIFFERENCES.md.
 *
 * The hooks a plugin's tests may use (the rest of the simulator's classes can change):
 * - fault injection: `dropAfterNextListItems`, `slowResponsesMs`, `neverAnswer`, `sendGarbage`,
 *   `dropAmiConnections`, `restart()`, `rebuild()`;
 * - AMI: `emit(event, headers)` sends an event; `onAction(name, handler)` answers an action the
 *   simulator does not know (or replaces its answer) and sees the request's headers;
 * - files: `writeConfig`/`readConfig` under /etc/asterisk, `fsRoot` for the rest of the disk
 *   (what acm pushed over SFTP), `createDataDir`/`removeDataDir` under astdatadir;
 * - SSH: `onExec(command, handler)` answers a shell command (before the simulator's own answers,
 *   so a known one can hang or print garbage) and counts nothing itself: the handler does;
 *   `host` (SimHost) is the Linux host the health collector reads: disks, memory, load, clock,
 *   systemd units, `ip rule`/`ip route`, MariaDB, changed in place;
 * - the running PBX, `state` (PbxState): `newChannel(...)`, `hangup(channel)`, AstDB as `db`
 *   (`/family/key` -> value), `conferences` (ConfBridge rooms -> members), `queues` (app_queue:
 *   members, callers; built from queues.conf), `qualifyStatus` (a contact's qualify result), `emitAmi`;
 * - calls: `startCallGenerator`, `stasisStart` (ARI), `call()` (a call through the dialplan,
 *   returning its trace: dialplan-runner.ts);
 * - the clock: `setClock(date | () => Date)` (default real time) and `timezone` (the server's
 *   local zone, default UTC) for GotoIfTime and timed includes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AmiServer, type SimAmiUser } from './ami-server.ts';
import type { SimActionHandler } from './ami-server-core.ts';
import { AriServer } from './ari-server.ts';
import type { SimCalleeOutcome, SimDial } from './ari-calls.ts';
import { SftpServer, type SimExecHandler } from './sftp-server.ts';
import { SipUdpServer } from './sip-udp.ts';
import { PbxState, type Fields } from './state.ts';
import { DEFAULT_CONFIG_FILES, DEFAULT_QUEUE_FILES, DEFAULT_SYSTEM_NAME, renderQueuesConf } from './defaults.ts';
import { CallGenerator, type CallGeneratorOptions } from './call-generator.ts';
import { runCall, type SimCallOptions, type SimCallTrace } from './dialplan-runner.ts';
import { SimHost } from './host.ts';
import { joinNetwork, leaveNetwork, type RoamingNode } from './roaming.ts';

/** Each simulator of a process gets its own host values, the same at every run. */
let hostSeed = 1;

export { PbxState } from './state.ts';
export { CallGenerator } from './call-generator.ts';
export { SimHost, type SimDisk } from './host.ts';
export type { CallGeneratorOptions, CallGeneratorClock } from './call-generator.ts';
export { trunkDids } from './call-generator-inbound.ts';
export type { SimCallOptions, SimCallTrace, SimCallStep, SimCallEnd, SimCallResult } from './dialplan-runner.ts';
export type { SimAmiUser } from './ami-server.ts';
export type { SimExecAnswer, SimExecHandler } from './sftp-server.ts';
export type { SimActionAnswer, SimActionHandler, SimActionRequest } from './ami-server-core.ts';
export type { SimDial, SimCalleeOutcome } from './ari-calls.ts';
export type { Fields, SimChannel, SimConferenceMember } from './state.ts';
export { parseConfig, dirSource, mapSource } from './config-parser.ts';

/** Accounts of the simulator. Defaults are the recorded server's: acmtest / acmari. */
export interface SimUsers {
  /** AMI users: name -> secret, or a full SimAmiUser with read/write classes. */
  ami?: Record<string, string | SimAmiUser>;
  /** ARI users: name -> password. */
  ari?: Record<string, string>;
  /** SSH/SFTP users: name -> password. */
  ssh?: Record<string, string>;
}

/** Options of SimulatedAsterisk.start(). Ports: 0 = OS-chosen; -1 (or omitted sshPort/sipPort) = disabled. */
export interface SimOptions {
  amiPort?: number;
  ariPort?: number;
  /** Default 0 (enabled). -1 disables SSH/SFTP. */
  sshPort?: number;
  /** SIP over UDP (OPTIONS, and calls: sip-invite.ts); default disabled (-1). */
  sipPort?: number;
  host?: string;
  systemName?: string;
  users?: SimUsers;
  /** Delay before `Authentication failed` (default 1000 ms like the real server). */
  authFailDelayMs?: number;
  /**
   * Initial config files (relative to /etc/asterisk). Default: the recorded pjsip.conf,
   * extensions.conf and voicemail.conf, a [default] musiconhold.conf, an empty acl.conf (and
   * queues.conf: see `queues`).
   */
  configFiles?: Record<string, string>;
  /** Registered contacts at start: aor -> contact URI. Default { '6101': 'sip:6101@127.0.0.1:5071' } (as recorded). */
  registrations?: Record<string, string>;
  /**
   * Queues at start, written as queues.conf (name -> static member interfaces) unless configFiles
   * has one. Default: the recorded queues.conf (ussales with PJSIP/6101) and a stock queuerules.conf.
   */
  queues?: Record<string, string[]>;
  /** astdatadir as the simulated Asterisk sees it (default /var/lib/asterisk). */
  astDataDir?: string;
  /** Directories to create under astdatadir at first start (default ['moh']: the stock [default] class). */
  dataDirs?: string[];
  /** manager.conf `timestampevents = yes` (the later recordings); default off like the first ones. */
  timestampEvents?: boolean;
  /** Host names the simulated resolver knows: name -> addresses (default none; see DIFFERENCES.md). */
  hosts?: Record<string, string[]>;
  /**
   * Addresses this server has on the network of simulated servers (default `[host]`): where
   * other simulators' IAX2 and DUNDi peers reach it (`host =` in iax.conf/dundi.conf).
   */
  addresses?: string[];
}

/** Ports after start. `ssh`/`sip` are 0 when disabled. */
export interface SimPorts {
  ami: number;
  ari: number;
  ssh: number;
  sip: number;
}

export class SimulatedAsterisk {
  state!: PbxState;
  ami!: AmiServer;
  ari!: AriServer;
  sftp: SftpServer | undefined;
  sip: SipUdpServer | undefined;
  private generators = new Set<CallGenerator>();
  private tmpDir: string | undefined;
  private started = false;
  readonly ports: SimPorts = { ami: 0, ari: 0, ssh: 0, sip: 0 };
  /** Effective users (after defaults). */
  users!: Required<SimUsers>;
  private opts: SimOptions = {};
  /** Kept across restart() like a real server's /etc/ssh keys; rebuild() draws a new one. */
  private sshHostKey: string | undefined;
  /** AstDB carried across restart() (emptied by rebuild()). */
  private readonly astDb = new Map<string, string>();
  /** Tests' AMI action handlers by lower-case name; kept across restart(). */
  private readonly actionHandlers = new Map<string, SimActionHandler>();
  /** Tests' SSH command handlers by exact command line; kept across restart(). */
  private readonly execHandlers = new Map<string, SimExecHandler>();
  private clock: () => Date = () => new Date();
  /** This server on the simulated network (roaming.ts) while started. */
  private node: RoamingNode | undefined;
  /** The Linux host (disks, memory, services …) the health collector reads over SSH; kept across restart(). */
  readonly host = new SimHost(hostSeed++);
  /** The server's local timezone (/etc/localtime) for time conditions without a zone of their own. */
  timezone = 'UTC';
  /**
   * How the callee of each ARI originate (POST /channels) answers: answer (after N ms, then maybe
   * hang up), busy, congestion, unallocated or no answer. Default: answers after 10 ms. Kept across restart().
   */
  callees: (dial: SimDial) => SimCalleeOutcome = () => ({ outcome: 'answer' });
  /** How long one media item of an ARI play lasts before PlaybackFinished (ms). */
  playbackMs = 20;

  /** Root of the simulated filesystem; `/etc/asterisk` is `configRoot`. */
  get fsRoot(): string {
    if (!this.tmpDir) throw new Error('simulator not started');
    return this.tmpDir;
  }

  get configRoot(): string {
    return path.join(this.fsRoot, 'etc', 'asterisk');
  }

  /** base64 SHA-256 of the SSH host key (for HostKey pinning), when SSH is enabled. */
  get hostKeySha256(): string | undefined {
    return this.sftp?.hostKeySha256;
  }

  async start(opts: SimOptions = {}): Promise<SimPorts> {
    if (this.started) throw new Error('already started');
    this.opts = opts;
    const host = opts.host ?? '127.0.0.1';
    if (!this.tmpDir) {
      this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'acm-sim-'));
      fs.mkdirSync(this.configRoot, { recursive: true });
      const files = { ...(opts.configFiles ?? DEFAULT_CONFIG_FILES) };
      if (files['queues.conf'] === undefined) Object.assign(files, opts.queues ? { 'queues.conf': renderQueuesConf(opts.queues) } : DEFAULT_QUEUE_FILES);
      for (const [name, body] of Object.entries(files)) this.writeConfig(name, body);
      for (const d of opts.dataDirs ?? ['moh']) this.createDataDir(d);
    }
    this.users = {
      ami: opts.users?.ami ?? { acmtest: 'acmtest-Secret1' },
      ari: opts.users?.ari ?? { acmari: 'acmari-Secret1' },
      ssh: opts.users?.ssh ?? { asterisk: 'asterisk-Secret1' },
    };
    this.state = new PbxState(opts.systemName ?? DEFAULT_SYSTEM_NAME, this.configRoot, { fsRoot: this.fsRoot, astDataDir: this.astDataDir, hosts: opts.hosts });
    // AstDB is a file on the server's disk: it survives restart() (app_queue reads its persistent members at load).
    for (const [k, v] of this.astDb) this.state.db.set(k, v);
    this.astDb.clear();
    this.state.loadAll();
    const state = this.state;
    this.node = {
      get roaming() { return state.roaming; },
      addresses: opts.addresses ?? [host],
      loaded: (m) => state.loadedModules.has(m),
      exists: (c, e) => state.dialplan.find(c, e, { priority: 1 }) !== undefined,
      call: (o) => this.call(o),
      now: () => this.clock(),
    };
    state.node = this.node;
    joinNetwork(this.node);
    const regs = opts.registrations ?? { '6101': 'sip:6101@127.0.0.1:5071' };
    for (const [aor, uri] of Object.entries(regs)) this.state.register(aor, uri, { callId: 'acm-cff47095@127.0.0.1', userAgent: 'acm-sipreg-test/0.1' });
    const amiUsers: Record<string, SimAmiUser> = {};
    for (const [u, v] of Object.entries(this.users.ami)) amiUsers[u] = typeof v === 'string' ? { secret: v } : v;
    this.ami = new AmiServer(this.state, { users: amiUsers, authFailDelayMs: opts.authFailDelayMs ?? 1000, timestampEvents: opts.timestampEvents, actionHandlers: this.actionHandlers });
    this.ari = new AriServer(this.state, { users: this.users.ari, calls: { callee: (d) => this.callees(d), playbackMs: () => this.playbackMs } });
    try {
      this.ports.ami = await this.ami.start(opts.amiPort ?? 0, host);
      this.ports.ari = await this.ari.start(opts.ariPort ?? 0, host);
      if ((opts.sshPort ?? 0) >= 0) {
        this.sftp = new SftpServer({ users: this.users.ssh, fsRoot: this.fsRoot, runCli: (c) => this.ami.cli(c), hostKey: this.sshHostKey, exec: this.execHandlers, host: (c) => this.host.answer(c) });
        this.sshHostKey = this.sftp.hostKey;
        this.ports.ssh = await this.sftp.start(opts.sshPort ?? 0, host);
      }
      if ((opts.sipPort ?? -1) >= 0) {
        this.sip = new SipUdpServer(this.state);
        this.ports.sip = await this.sip.start(opts.sipPort ?? 0, host);
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.started = true;
    return { ...this.ports };
  }

  /** Stop everything (sockets, timers, generators) and delete the temp filesystem. */
  async stop(): Promise<void> {
    await this.stopServers();
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    this.tmpDir = undefined;
    this.sshHostKey = undefined;
  }

  private async stopServers(): Promise<void> {
    if (this.node) leaveNetwork(this.node);
    this.node = undefined;
    for (const g of this.generators) g.stop();
    this.generators.clear();
    await Promise.allSettled([this.ami?.stop(), this.ari?.stop(), this.sftp?.stop(), this.sip?.stop()]);
    this.sftp = undefined;
    this.sip = undefined;
    this.started = false;
  }

  /**
   * Stop and start again on the same ports, keeping the simulated filesystem (config files, data
   * directories): a server restart with boot semantics (modules load as at start; what a reload
   * kept from an older file is gone). Runtime state (contacts, channels) is reset; AstDB is kept.
   */
  async restart(downMs = 0): Promise<SimPorts> {
    const ports = { ...this.ports };
    await this.stopServers();
    for (const [k, v] of this.state.db) this.astDb.set(k, v);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    return this.start({ ...this.opts, amiPort: ports.ami, ariPort: ports.ari, sshPort: this.opts.sshPort === -1 ? -1 : ports.ssh, sipPort: this.opts.sipPort === undefined || this.opts.sipPort < 0 ? -1 : ports.sip });
  }

  /**
   * A rebuilt server at the same address: an empty disk (the configuration the simulator started
   * with, nothing acm pushed) and a new SSH host key, as after a reinstall.
   */
  async rebuild(downMs = 0): Promise<SimPorts> {
    await this.stopServers();
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    this.tmpDir = undefined;
    this.sshHostKey = undefined;
    this.state.db.clear();
    return this.restart(downMs);
  }

  /** astdatadir as the simulated Asterisk sees it. */
  get astDataDir(): string {
    return this.opts.astDataDir ?? '/var/lib/asterisk';
  }

  /**
   * Create a directory under astdatadir (relative) or the simulated root (absolute), e.g.
   * `moh/sales`, holding `files` (default one sound file: a MOH class needs at least one).
   */
  createDataDir(dir: string, files: string[] = ['sim-tone.gsm']): void {
    const real = path.join(this.fsRoot, dir.startsWith('/') ? dir : path.posix.join(this.astDataDir, dir));
    fs.mkdirSync(real, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(real, f), '');
  }

  /** Remove a directory created with createDataDir. */
  removeDataDir(dir: string): void {
    fs.rmSync(path.join(this.fsRoot, dir.startsWith('/') ? dir : path.posix.join(this.astDataDir, dir)), { recursive: true, force: true });
  }

  // --- fault injection -----------------------------------------------------------------
  /** Close the AMI socket in the middle of the next list, after `n` items. */
  dropAfterNextListItems(n: number): void {
    this.ami.dropAfterNextListItems(n);
  }

  /** Delay every AMI answer by this many ms (0 = off). */
  set slowResponsesMs(ms: number) {
    this.ami.slowResponsesMs = ms;
  }

  get slowResponsesMs(): number {
    return this.ami.slowResponsesMs;
  }

  /** Accept AMI actions but never answer them. */
  set neverAnswer(v: boolean) {
    this.ami.neverAnswer = v;
  }

  get neverAnswer(): boolean {
    return this.ami.neverAnswer;
  }

  /** Write raw bytes to every AMI client (truncated/malformed frames). */
  sendGarbage(frame: string | Buffer): void {
    this.ami.sendRaw(frame);
  }

  /** Emit an AMI event to every session that takes its class (default class 'system'). */
  emit(event: string, headers: Record<string, string> | Fields = {}, privilege = 'system'): void {
    this.state.emitAmi(event, privilege, Array.isArray(headers) ? headers : Object.entries(headers));
  }

  /**
   * Answer AMI `action` with `handler` (before or after start, kept across restart): for actions
   * a real Asterisk 20 answers that the simulator does not implement. Returns the undo.
   */
  onAction(action: string, handler: SimActionHandler): () => void {
    const key = action.toLowerCase();
    this.actionHandlers.set(key, handler);
    return () => { if (this.actionHandlers.get(key) === handler) this.actionHandlers.delete(key); };
  }

  /**
   * Answer the SSH exec `command` (the exact line, trimmed) with `handler` (before or after start,
   * kept across restart): for what a real server runs that the simulator does not. Returns the undo.
   */
  onExec(command: string, handler: SimExecHandler): () => void {
    const key = command.trim();
    this.execHandlers.set(key, handler);
    return () => { if (this.execHandlers.get(key) === handler) this.execHandlers.delete(key); };
  }

  /** The callee of an ARI-placed channel presses `digit`: ChannelDtmfReceived to its app. */
  ariDtmf(channelId: string, digit: string): void {
    this.ari.calls.dtmf(channelId, digit);
  }

  /** Drop every ARI events WebSocket (the listener stays up; clients reconnect). */
  dropAriWebSockets(): void {
    this.ari.dropWebSockets();
  }

  /** Drop every AMI client connection (the listener stays up). */
  dropAmiConnections(): void {
    this.ami.dropAll();
  }

  // --- helpers ---------------------------------------------------------------------------
  /** Write a config file directly (as if pushed by hand); takes effect on the next reload. */
  writeConfig(rel: string, body: string): void {
    const p = path.join(this.configRoot, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, body);
  }

  readConfig(rel: string): string | undefined {
    try {
      return fs.readFileSync(path.join(this.configRoot, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * Start a scripted call generator (stopped automatically by stop()). Its inbound calls run
   * through the loaded dialplan on this simulator's clock and timezone (`setClock`).
   */
  startCallGenerator(o: CallGeneratorOptions): CallGenerator {
    const g = new CallGenerator(this.state, o, { clock: () => this.clock(), zone: () => this.timezone });
    this.generators.add(g);
    g.start();
    return g;
  }

  /**
   * The simulator's clock for time conditions (GotoIfTime, timed includes): a fixed date or a
   * function read at each use; `setClock()` goes back to real time. Kept across restart().
   */
  setClock(clock?: Date | (() => Date)): void {
    this.clock = clock === undefined ? () => new Date() : clock instanceof Date ? () => new Date(clock.getTime()) : clock;
  }

  /** A CLI command as `asterisk -rx` runs it: its output lines, or undefined for a command Asterisk does not know. */
  cli(command: string): string[] | undefined {
    return this.ami.cli(command);
  }

  /** Run a call through the loaded dialplan (dialplan-runner.ts): a call in, a trace out. */
  call(o: SimCallOptions): SimCallTrace {
    return runCall(this.state, o, this.clock, this.timezone);
  }

  /** Put a new channel into Stasis(app): StasisStart to the app's WebSocket. */
  stasisStart(app: string, o: { endpoint?: string; args?: string[] } = {}): string {
    const endpoint = o.endpoint ?? this.state.endpointNames()[0];
    const c = this.state.newChannel({ name: `PJSIP/${endpoint ?? 'anonymous'}-${this.state.newChannelSuffix()}`, endpoint, callerIdNum: endpoint ?? '', exten: '700' });
    this.state.setChannelState(c, 6);
    c.app = 'Stasis';
    c.appData = [app, ...(o.args ?? [])].join(',');
    this.state.emitAri({ type: 'StasisStart', application: app, args: o.args ?? [], channel: this.state.ariChannel(c) });
    return c.uniqueid;
  }
}
