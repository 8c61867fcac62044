/**
 * chan_iax2, pbx_dundi and res_crypto as acm's roaming uses them (Asterisk 20, recorded in
 * tests/fixtures/asterisk20/oracle-roaming.txt and cfg-dundi-lookup-two-instances): iax.conf
 * users/peers with RSA auth, dundi.conf entity, mappings and symmetric peers, keys from
 * `<astvarlibdir>/keys`, and the network the simulated servers of one test form: a DUNDi lookup
 * asks the peers that are up, and `Dial(IAX2/peer/num)` runs the call on the far simulator.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dirSource, parseConfig, sectionValue, type ConfigSection } from './config-parser.ts';
import type { SimCallOptions, SimCallTrace } from './dialplan-runner.ts';

export interface SimKey { name: string; type: 'PUBLIC' | 'PRIVATE'; sum: string; publicDer: string }
export interface IaxSection { name: string; type: string; host?: string; username?: string; auth: string[]; inkeys: string[]; outkey?: string; context?: string; description?: string }
export interface DundiMapping { context: string; local: string; weight: number; tech: string; dest: string; options: string }
export interface DundiPeer { eid: string; host?: string; port?: string; inkey?: string; outkey?: string; include: string[]; permit: string[]; model: string }
export interface DundiAnswer { tech: string; dest: string; weight: number; eid: string }

/** What the network needs of one simulated server. */
export interface RoamingNode {
  readonly roaming: SimRoaming;
  readonly addresses: readonly string[];
  /** The modules it runs now (a module not loaded answers nothing). */
  loaded(module: string): boolean;
  /** Does `exten` exist in `context` of its dialplan? */
  exists(context: string, exten: string): boolean;
  call(o: SimCallOptions): SimCallTrace;
  now(): Date;
}

/** The servers of a test, by address; module-level as a real network is (one per process). */
const network = new Map<string, RoamingNode>();
export function joinNetwork(node: RoamingNode): void { for (const a of node.addresses) network.set(a, node); }
export function leaveNetwork(node: RoamingNode): void { for (const a of node.addresses) if (network.get(a) === node) network.delete(a); }
const reach = (host: string | undefined, module: string) => {
  const n = host ? network.get(host) : undefined;
  return n?.loaded(module) ? n : undefined;
};

/** pbx_dundi DUNDI_DEFAULT_KEY_EXPIRE: an agreed session key is used an hour, reloads included. */
const SESSION_MS = 3600_000;

const list = (s: ConfigSection, key: string) => s.entries.filter((e) => e.key === key).flatMap((e) => e.value.split(',')).map((v) => v.trim()).filter(Boolean);

export class SimRoaming {
  keys = new Map<string, SimKey[]>();
  iax: IaxSection[] = [];
  dundi: { eid?: string; mappings: DundiMapping[]; peers: DundiPeer[] } = { mappings: [], peers: [] };
  /** Peer EID → until when our session key with it holds (the far side cached it too). */
  private readonly sessions = new Map<string, number>();
  private queryIds = 0;

  constructor(private readonly configRoot: string, private readonly keysDir: string, private readonly log: string[]) {}

  /** res_crypto: every `.pub`/`.key` of the keys dir; a private key others may read is refused. */
  loadKeys(): void {
    this.keys = new Map();
    let files: string[] = [];
    try { files = fs.readdirSync(this.keysDir); } catch { return; }
    for (const f of files.sort()) {
      const m = /^(.+)\.(pub|key)$/.exec(f);
      if (!m) continue;
      const file = path.join(this.keysDir, f);
      const type = m[2] === 'key' ? 'PRIVATE' : 'PUBLIC';
      const text = fs.readFileSync(file, 'utf8');
      if (type === 'PRIVATE' && (fs.statSync(file).mode & 0o077)) {
        this.log.push(`ERROR res_crypto.c: Private key file has bad permissions: ${file}: 0${(fs.statSync(file).mode & 0o777).toString(8)}`);
        continue;
      }
      let pub: KeyObject;
      try { pub = type === 'PRIVATE' ? createPublicKey(createPrivateKey(text)) : createPublicKey(text); } catch {
        this.log.push(`WARNING res_crypto.c: Key load ${type} '${m[1]}' failed`);
        continue;
      }
      const key = { name: m[1]!, type, sum: createHash('md5').update(text).digest('hex'), publicDer: pub.export({ type: 'spki', format: 'der' }).toString('base64') } as SimKey;
      this.keys.set(key.name, [...(this.keys.get(key.name) ?? []), key]);
    }
  }

  private key(name: string | undefined, type: SimKey['type']): SimKey | undefined {
    return name ? this.keys.get(name)?.find((k) => k.type === type) : undefined;
  }

  loadIax(): void {
    const r = parseConfig(dirSource(this.configRoot), 'iax.conf');
    if (r.fatal) return;
    this.iax = r.sections.filter((s) => !s.isTemplate && s.name !== 'general').map((s) => ({
      name: s.name, type: sectionValue(s, 'type') ?? '', host: sectionValue(s, 'host'), username: sectionValue(s, 'username'),
      auth: list(s, 'auth'), inkeys: (sectionValue(s, 'inkeys') ?? '').split(':').filter(Boolean), outkey: sectionValue(s, 'outkey'),
      context: sectionValue(s, 'context'), description: sectionValue(s, 'description'),
    }));
  }

  /** dundi.conf: the first [general] and [mappings] only (pbx_dundi reads no other), peers named by EID. */
  loadDundi(): void {
    const r = parseConfig(dirSource(this.configRoot), 'dundi.conf');
    if (r.fatal) return;
    const general = r.sections.find((s) => s.name === 'general');
    const mappings = r.sections.find((s) => s.name === 'mappings');
    this.dundi = {
      eid: general ? sectionValue(general, 'entityid')?.toLowerCase() : undefined,
      mappings: (mappings?.entries ?? []).map((e) => {
        const [local = '', weight = '0', tech = '', dest = '', ...options] = e.value.split(',').map((v) => v.trim());
        return { context: e.key, local, weight: Number(weight), tech, dest, options: options.join(',') };
      }),
      peers: r.sections.filter((s) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(s.name)).map((s) => ({
        eid: s.name.toLowerCase(), host: sectionValue(s, 'host'), port: sectionValue(s, 'port'), inkey: sectionValue(s, 'inkey'), outkey: sectionValue(s, 'outkey'),
        include: list(s, 'include'), permit: list(s, 'permit'), model: sectionValue(s, 'model') ?? '',
      })),
    };
  }

  // --- DUNDi -------------------------------------------------------------------------------
  /**
   * `number@context` asked of every peer that is up and that we include the context for; a peer
   * answers when it has us as a peer permitting the context and both signatures check (or a
   * session key agreed within the hour still holds), from its mappings whose local context has
   * the number. Our own mappings are never in the answer. Sorted by weight.
   */
  lookup(self: RoamingNode, number: string, context: string): DundiAnswer[] {
    const answers: DundiAnswer[] = [];
    const now = self.now().getTime();
    for (const peer of this.dundi.peers) {
      if (!peer.include.includes(context) && !peer.include.includes('all')) continue;
      const far = reach(peer.host, 'pbx_dundi.so');
      if (!far || far === self || !this.dundi.eid) continue;
      const back = far.roaming.dundi.peers.find((p) => p.eid === this.dundi.eid);
      if (!back || !(back.permit.includes(context) || back.permit.includes('all'))) continue;
      if ((this.sessions.get(peer.eid) ?? 0) < now) {
        const signed = this.key(peer.outkey, 'PRIVATE');
        const checked = far.roaming.key(back.inkey, 'PUBLIC');
        const theirs = far.roaming.key(back.outkey, 'PRIVATE');
        const ours = this.key(peer.inkey, 'PUBLIC');
        if (!signed || !checked || signed.publicDer !== checked.publicDer || !theirs || !ours || theirs.publicDer !== ours.publicDer) {
          this.log.push(`NOTICE pbx_dundi.c: Unable to authenticate with ${peer.eid}`);
          continue;
        }
        this.sessions.set(peer.eid, now + SESSION_MS);
      }
      for (const m of far.roaming.dundi.mappings) {
        if (m.context !== context || !far.exists(m.local, number)) continue;
        answers.push({ tech: m.tech, dest: m.dest.replaceAll('${NUMBER}', number), weight: m.weight, eid: far.roaming.dundi.eid ?? '' });
      }
    }
    return answers.sort((a, b) => a.weight - b.weight);
  }

  /** DUNDIQUERY ids count up per server from 0 (recorded). */
  nextQueryId(): number { return this.queryIds++; }

  // --- IAX2 --------------------------------------------------------------------------------
  /**
   * `Dial(IAX2/<peer>/<num>)`: the far server must be up, know our `username` as a user with RSA
   * auth and hold, among its inkeys, the public half of our outkey; then the call runs there in
   * that user's context. Unreachable: CHANUNAVAIL; refused: CONGESTION (chan_iax2 hangs up with
   * cause 21, which Dial reports as CONGESTION).
   */
  dial(self: RoamingNode, peerName: string, num: string, callerId: { num?: string; name?: string }): { status: string; trace?: SimCallTrace } {
    const peer = this.iax.find((s) => s.name === peerName && (s.type === 'peer' || s.type === 'friend'));
    if (!peer) return { status: 'CHANUNAVAIL' };
    const far = reach(peer.host, 'chan_iax2.so');
    if (!far || far === self) return { status: 'CHANUNAVAIL' };
    const user = far.roaming.iax.find((s) => s.name === peer.username && (s.type === 'user' || s.type === 'friend'));
    const signed = this.key(peer.outkey, 'PRIVATE');
    const accepted = user?.auth.includes('rsa') && signed && user.inkeys.some((k) => far.roaming.key(k, 'PUBLIC')?.publicDer === signed.publicDer);
    if (!user || !accepted) {
      far.roaming.log.push(`NOTICE chan_iax2.c: Host ${self.addresses[0]} failed to authenticate as ${peer.username ?? ''}`);
      return { status: 'CONGESTION' };
    }
    if (!user.context || !far.exists(user.context, num)) return { status: 'CONGESTION' };
    return { status: 'ANSWER', trace: far.call({ context: user.context, exten: num, callerId }) };
  }

  // --- CLI ---------------------------------------------------------------------------------
  /** The CLI commands of the three modules, as Asterisk 20 prints them; undefined: not one of them. */
  cli(self: RoamingNode, c: string): string[] | undefined {
    if (c === 'keys show') {
      if (!self.loaded('res_crypto.so')) return undefined;
      const rows = [...this.keys.values()].flat();
      return ['Key Name           Type     Status           Sum                              ', '------------------ -------- ---------------- -------------------------------- ',
        ...rows.map((k) => `${k.name.padEnd(18)} ${k.type.padEnd(8)} ${'[Loaded]'.padEnd(16)} ${k.sum.padEnd(32)} `), '', `${rows.length} known RSA keys.`];
    }
    if (c.startsWith('iax2 ') && !self.loaded('chan_iax2.so')) return undefined;
    if (c.startsWith('dundi ') && !self.loaded('pbx_dundi.so')) return undefined;
    if (c === 'iax2 show peers') {
      const peers = this.iax.filter((s) => s.type === 'peer' || s.type === 'friend');
      const rows = peers.map((p) => {
        const up = reach(p.host, 'chan_iax2.so');
        return `${`${p.name}/${p.username ?? ''}`.slice(0, 15).padEnd(16)} ${(p.host ?? '(Unspecified)').padEnd(46)} (S)  ${'255.255.255.255'.padEnd(41)} ${'4569'.padEnd(14)} ${(up ? 'OK (1 ms)' : 'UNREACHABLE').padEnd(11)} ${(p.description ?? '').padEnd(32)}`;
      });
      const on = peers.filter((p) => reach(p.host, 'chan_iax2.so')).length;
      return ['Name/Username    Host                                           Mask                                      Port           Status      Description                     ', ...rows, `${peers.length} iax2 peers [${on} online, ${peers.length - on} offline, 0 unmonitored]`];
    }
    if (c === 'iax2 show users') {
      const users = this.iax.filter((s) => s.type === 'user' || s.type === 'friend');
      return ['Username         Secret                Authen           Def.Context      A/C    Codec Pref',
        ...users.map((u) => `${u.name.slice(0, 15).padEnd(16)} ${`Key: ${u.inkeys[0] ?? ''}`.slice(0, 20).padEnd(21)} ${'000000000000004'.padEnd(16)} ${(u.context ?? '').slice(0, 15).padEnd(16)} No     Host `)];
    }
    if (c === 'dundi show entityid') return [`Global EID for this system is '${this.dundi.eid ?? '00:00:00:00:00:00'}'`];
    if (c === 'dundi show peers') {
      const on = this.dundi.peers.filter((p) => reach(p.host, 'pbx_dundi.so')).length;
      return ['EID                  Host                                          Port   Model      AvgTime  Status         ',
        ...this.dundi.peers.map((p) => `${p.eid.padEnd(20)} ${(p.host ?? '').padEnd(41)} (S) ${(p.port ?? '4520').padEnd(6)} ${'Symmetric'.padEnd(10)} Unavail  ${(reach(p.host, 'pbx_dundi.so') ? 'OK (1 ms)' : 'UNREACHABLE').padEnd(15)}`),
        `${this.dundi.peers.length} dundi peers [${on} online, ${this.dundi.peers.length - on} offline, 0 unmonitored]`];
    }
    if (c === 'dundi show mappings') {
      return ['DUNDi Cntxt  Weight  Local Cntxt  Options    Tech  Destination              ',
        ...this.dundi.mappings.map((m) => `${m.context.slice(0, 12).padEnd(12)} ${String(m.weight).padEnd(7)} ${m.local.slice(0, 12).padEnd(12)} ${'NONE'.padEnd(10)} ${m.tech.padEnd(5)} ${m.dest.slice(0, 24).padEnd(24)} `)];
    }
    const look = /^dundi lookup (\S+?)@(\S+)(?: bypass)?$/.exec(c);
    if (look) {
      const answers = this.lookup(self, look[1]!, look[2]!);
      if (!answers.length) return ['DUNDi lookup returned no results.', 'DUNDi lookup completed in 1 ms'];
      return [...answers.flatMap((a, i) => [`${String(i + 1).padStart(3)}. ${String(a.weight).padStart(5)} ${a.tech}/${a.dest} (EXISTS)`, `     from ${a.eid}, expires in 3600 s`]), 'DUNDi lookup completed in 1 ms'];
    }
    return undefined;
  }
}
