/**
 * Simulated AMI server (TCP, CRLF framing) answering like the recorded Asterisk 20: the actions.
 * See DIFFERENCES.md for what it knowingly does differently.
 */
import { renderTaskprocessors } from './taskprocessors.ts';
import type net from 'node:net';
import type { AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import { BUILD_LINE, ASTERISK_VERSION } from './defaults.ts';
import type { Fields, SimChannel } from './state.ts';
import { renderDialplanShow, renderPjsipShowEndpoints } from './cli-render.ts';
import { ACTION_CLASSES, type Session } from './ami-server-core.ts';
import { AmiPjsipActions } from './ami-server-pjsip.ts';
import { moduleCli } from './cli-modules.ts';
import { soName } from './state-config.ts';

export type { SimAmiUser, AmiServerOptions } from './ami-server-core.ts';

export class AmiServer extends AmiPjsipActions {
  a_login(s: Session, m: AmiMessage): void {
    const user = m.get('Username') ?? '';
    const u = this.opts.users[user];
    if (!u || u.secret !== (m.get('Secret') ?? '')) {
      s.dead = true;
      this.later(this.opts.authFailDelayMs, () => {
        const id = m.get('ActionID');
        this.writeFinal(s, this.frame([['Response', 'Error'], ...(id !== undefined ? [['ActionID', id] as [string, string]] : []), ['Message', 'Authentication failed']]));
        s.closing = true;
        s.socket.end();
      });
      return;
    }
    s.user = user;
    this.setEvents(s, m.get('Events'));
    this.respond(s, m, 'Success', [['Message', 'Authentication accepted']]);
    if (this.takes(s, 'system')) {
      const now = Date.now();
      this.write(s, this.frame([
        ['Event', 'FullyBooted'], ['Privilege', 'system,all'],
        ...(this.opts.timestampEvents ? [['Timestamp', `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`] as [string, string]] : []),
        ['Uptime', String(Math.floor((now - this.state.startedAt.getTime()) / 1000))],
        ['LastReload', String(Math.floor((now - this.state.lastReloadAt.getTime()) / 1000))],
        ['Status', 'Fully Booted'],
      ]));
    }
    const tv = new Date().toISOString().replace('Z', '+0000');
    const addr = s.socket.address() as net.AddressInfo;
    this.state.emitAmi('SuccessfulAuth', 'security', [
      ['EventTV', tv], ['Severity', 'Informational'], ['Service', 'AMI'], ['EventVersion', '1'], ['AccountID', user],
      ['SessionID', `0x${(s.socket.remotePort ?? 0).toString(16).padStart(12, '0')}`],
      ['LocalAddress', `IPV4/TCP/${addr.address}/${addr.port}`],
      ['RemoteAddress', `IPV4/TCP/${s.socket.remoteAddress ?? ''}/${s.socket.remotePort ?? 0}`],
      ['UsingPassword', '0'], ['SessionTV', tv],
    ]);
  }

  a_logoff(s: Session, m: AmiMessage): void {
    this.respond(s, m, 'Goodbye', [['Message', 'Thanks for all the fish.']]);
    s.closing = true;
    s.socket.end();
  }

  a_ping(s: Session, m: AmiMessage): void {
    const now = Date.now();
    this.respond(s, m, 'Success', [['Ping', 'Pong'], ['Timestamp', `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`]]);
  }

  a_events(s: Session, m: AmiMessage): void {
    this.setEvents(s, m.get('EventMask'));
    this.respond(s, m, 'Success', [['Events', s.eventClasses === undefined ? 'Off' : 'On']]);
  }

  a_listcommands(s: Session, m: AmiMessage): void {
    const protos: object[] = [];
    for (let p = Object.getPrototypeOf(this) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) protos.push(p);
    const names = protos.flatMap((p) => Object.getOwnPropertyNames(p)).filter((n) => n.startsWith('a_')).map((n) => n.slice(2));
    this.respond(s, m, 'Success', names.map((n) => [n, `(simulated)  (Priv: ${(ACTION_CLASSES[n] ?? []).join(',') || '<none>'})`]));
  }

  a_command(s: Session, m: AmiMessage): void {
    const cmd = (m.get('Command') ?? '').trim();
    const out = this.cli(cmd);
    if (out === undefined) {
      const words = cmd.split(/\s+/).slice(0, 2).join(' ');
      this.respond(s, m, 'Error', [['Message', 'Command output follows'], ['Output', `No such command '${cmd}' (type 'core show help ${words}' for other possible commands)`]]);
      return;
    }
    this.respond(s, m, 'Success', [['Message', 'Command output follows'], ...out.map((l) => ['Output', l] as [string, string])]);
  }

  /** CLI commands the simulator knows; undefined = unknown command. */
  cli(cmd: string): string[] | undefined {
    const c = cmd.trim().replace(/\s+/g, ' ').toLowerCase();
    const mod = moduleCli(this.state, c, cmd);
    if (mod !== undefined) return mod ?? undefined;
    if (c === 'core show version') return [BUILD_LINE];
    const roaming = this.state.node ? this.state.roaming.cli(this.state.node, c) : undefined;
    if (roaming) return roaming;
    if (c === 'pjsip show endpoints') return renderPjsipShowEndpoints(this.state);
    if (c === 'dialplan reload') {
      this.state.reloadModule('pbx_config.so');
      return ['Dialplan reloaded.'];
    }
    let mm = /^module reload (\S+)$/.exec(c);
    if (mm) {
      const mod = mm[1] ?? '';
      const r = this.state.reloadModule(mod);
      if (!r.ok && r.message === 'No such module') return [`The module '${mod}' could not be reloaded because it does not exist.`];
      if (!r.ok) return [`The module '${mod}' reported a reload failure`];
      return [`Module '${mod}' reloaded successfully.`];
    }
    if (c === 'core show taskprocessors') return renderTaskprocessors(this.state.taskprocessors);
    if (c === 'core show uptime seconds') {
      const now = Date.now();
      return [`System uptime: ${Math.floor((now - this.state.startedAt.getTime()) / 1000)}`, `Last reload: ${Math.floor((now - this.state.lastReloadAt.getTime()) / 1000)}`];
    }
    mm = /^dialplan show (\S+)$/.exec(c);
    if (mm) return renderDialplanShow(this.state, cmd.trim().split(/\s+/)[2] ?? '');
    return undefined;
  }

  a_coresettings(s: Session, m: AmiMessage): void {
    this.respond(s, m, 'Success', [
      ['AMIversion', '9.0.0'], ['AsteriskVersion', ASTERISK_VERSION], ['SystemName', this.state.systemName],
      ['CoreMaxCalls', '0'], ['CoreMaxLoadAvg', '0.000000'], ['CoreRunUser', ''], ['CoreRunGroup', ''],
      ['CoreMaxFilehandles', '0'], ['CoreRealTimeEnabled', 'No'], ['CoreCDRenabled', 'Yes'], ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]);
  }

  a_corestatus(s: Session, m: AmiMessage): void {
    const st = this.state.startedAt.toISOString();
    const rl = this.state.lastReloadAt.toISOString();
    this.respond(s, m, 'Success', [
      ['CoreStartupDate', st.slice(0, 10)], ['CoreStartupTime', st.slice(11, 19)],
      ['CoreReloadDate', rl.slice(0, 10)], ['CoreReloadTime', rl.slice(11, 19)],
      ['CoreCurrentCalls', String(this.state.channels.size)], ['CoreProcessedCalls', String(this.state.processedCalls)],
    ]);
  }

  protected channelItem(c: SimChannel): Fields {
    const dur = Math.floor((Date.now() - c.createdAt) / 1000);
    const hms = [Math.floor(dur / 3600), Math.floor((dur % 3600) / 60), dur % 60].map((x) => String(x).padStart(2, '0')).join(':');
    return [...this.state.channelFields(c), ['Application', c.app], ['ApplicationData', c.appData], ['Duration', hms], ['BridgeId', c.bridgeId]];
  }

  a_coreshowchannels(s: Session, m: AmiMessage): void {
    const items = [...this.state.channels.values()].map((c) => ({ event: 'CoreShowChannel', fields: this.channelItem(c) }));
    this.list(s, m, 'Channels will follow', items, 'CoreShowChannelsComplete', 'second');
  }

  a_status(s: Session, m: AmiMessage): void {
    const want = m.get('Channel');
    const chans = [...this.state.channels.values()].filter((c) => !want || c.name === want);
    const items = chans.map((c) => ({ event: 'Status', fields: [...this.state.channelFields(c), ['Type', c.name.split('/')[0] ?? ''], ['DNID', ''], ['EffectiveConnectedLineNum', c.connectedNum || '<unknown>'], ['EffectiveConnectedLineName', c.connectedName || '<unknown>'], ['TimeToHangup', '0'], ['BridgeID', c.bridgeId], ['Application', c.app], ['Data', c.appData], ['Nativeformats', '(ulaw)'], ['Readformat', 'ulaw'], ['Readtrans', ''], ['Writeformat', 'ulaw'], ['Writetrans', ''], ['Callgroup', '0'], ['Pickupgroup', '0'], ['Seconds', String(Math.floor((Date.now() - c.createdAt) / 1000))]] as Fields }));
    this.list(s, m, 'Channel status will follow', items, 'StatusComplete', 'last', [['Items', String(items.length)]]);
  }

  // --- calls -------------------------------------------------------------------------
  a_originate(s: Session, m: AmiMessage): void {
    const chan = m.get('Channel');
    if (!chan) {
      this.error(s, m, 'Channel not specified');
      return;
    }
    const app = m.get('Application');
    const exten = m.get('Exten');
    if (!app && !exten) {
      this.error(s, m, 'Exten not specified');
      return;
    }
    const async = /^(true|yes|1|on)$/i.test(m.get('Async') ?? '');
    const tech = chan.split('/')[0] ?? '';
    const resource = chan.slice(tech.length + 1);
    const endpoint = tech.toUpperCase() === 'PJSIP' ? resource : undefined;
    const reachable = endpoint ? this.state.pjsip.get('endpoint', endpoint) !== undefined && this.state.endpointContacts(endpoint).length > 0 : tech.toLowerCase() === 'local';
    const cid = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(m.get('CallerID') ?? '');
    const id = m.get('ActionID');
    const fail = () => {
      if (async) {
        this.state.emitAmi('OriginateResponse', 'call', [...(id ? [['ActionID', id] as [string, string]] : []), ['Response', 'Failure'], ['Channel', chan], ['Context', m.get('Context') ?? ''], ['Exten', exten ?? ''], ['Reason', '0'], ['Uniqueid', '<null>'], ['CallerIDNum', '<unknown>'], ['CallerIDName', '<unknown>']]);
      } else this.error(s, m, 'Originate failed');
    };
    if (async) this.respond(s, m, 'Success', [['Message', 'Originate successfully queued']]);
    this.later(async ? 5 : 0, () => {
      if (!reachable) {
        fail();
        return;
      }
      const name = tech.toLowerCase() === 'local' ? `${chan}-${this.state.newChannelSuffix()};1` : `${chan}-${this.state.newChannelSuffix()}`;
      const c = this.state.newChannel({ name, endpoint, callerIdNum: cid?.[2] ?? '', callerIdName: cid?.[1] ?? '', context: m.get('Context') ?? 'default', exten: exten ?? 's' });
      this.state.setChannelState(c, 5);
      this.state.setChannelState(c, 6);
      c.app = app ?? '';
      c.appData = m.get('Data') ?? '';
      this.state.emitAmi('OriginateResponse', 'call', [...(id ? [['ActionID', id] as [string, string]] : []), ['Response', 'Success'], ['Channel', c.name], ...(app ? [['Application', app], ['Data', c.appData]] as Fields : [['Context', c.context], ['Exten', c.exten]] as Fields), ['Reason', '4'], ['Uniqueid', c.uniqueid], ['CallerIDNum', c.callerIdNum || '<unknown>'], ['CallerIDName', c.callerIdName || '<unknown>']]);
      if (!async) this.respond(s, m, 'Success', [['Message', 'Originate successfully queued']]);
      if (app && /^wait$/i.test(app)) {
        const secs = Number(c.appData) || 1;
        this.later(Math.min(secs, 30) * 1000, () => this.state.hangup(c, 16, { destination: c.exten }));
      }
    });
  }

  protected findChannel(name: string | undefined): SimChannel | undefined {
    if (!name) return undefined;
    if (name.startsWith('/') && name.endsWith('/') && name.length > 2) {
      const re = new RegExp(name.slice(1, -1));
      return [...this.state.channels.values()].find((c) => re.test(c.name));
    }
    return this.state.channels.get(name) ?? [...this.state.channels.values()].find((c) => c.uniqueid === name);
  }

  a_hangup(s: Session, m: AmiMessage): void {
    const c = this.findChannel(m.get('Channel'));
    if (!c) {
      this.error(s, m, 'No such channel');
      return;
    }
    this.state.hangup(c, Number(m.get('Cause') ?? 16) || 16, { destination: c.exten });
    this.respond(s, m, 'Success', [['Message', 'Channel Hungup']]);
  }

  a_redirect(s: Session, m: AmiMessage): void {
    const c = this.findChannel(m.get('Channel'));
    if (!c) {
      this.error(s, m, `Channel does not exist: ${m.get('Channel') ?? ''}`);
      return;
    }
    c.context = m.get('Context') ?? c.context;
    c.exten = m.get('Exten') ?? c.exten;
    c.priority = Number(m.get('Priority') ?? 1) || 1;
    this.state.emitAmi('Newexten', 'dialplan', [...this.state.channelFields(c), ['Extension', c.exten], ['Application', 'AppDial2'], ['AppData', '(Outgoing Line)']]);
    this.respond(s, m, 'Success', [['Message', 'Redirect successful']]);
  }

  // --- modules -----------------------------------------------------------------------
  a_reload(s: Session, m: AmiMessage): void {
    const mod = m.get('Module');
    if (!mod) {
      for (const x of ['res_pjsip.so', 'pbx_config.so', 'acl', 'res_musiconhold.so', 'app_voicemail.so', 'res_parking.so', 'app_confbridge.so', 'app_queue.so']) if (this.state.loadedModules.has(x)) this.state.reloadModule(x);
      this.respond(s, m, 'Success', [['Message', 'Module Reloaded']]);
      return;
    }
    const r = this.state.reloadModule(mod);
    if (r.message === 'No such module') {
      this.error(s, m, 'No such module');
      return;
    }
    if (r.ok) this.respond(s, m, 'Success', [['Message', r.message]]);
    else this.error(s, m, r.message);
    this.state.emitAmi('Reload', 'system', [['Module', mod], ['Status', String(r.status)]]);
  }

  a_moduleload(s: Session, m: AmiMessage): void {
    const mod = m.get('Module') ?? '';
    const type = (m.get('LoadType') ?? '').toLowerCase();
    if (type === 'reload') {
      if (!mod) {
        this.respond(s, m, 'Success', [['Message', 'Module reloaded.']]);
        return;
      }
      const r = this.state.reloadModule(mod);
      if (r.message === 'No such module') this.error(s, m, 'Module not found.');
      else if (!r.ok) this.error(s, m, 'An unknown error occurred');
      else this.respond(s, m, 'Success', [['Message', 'Module reloaded.']]);
      return;
    }
    if (type === 'load') {
      const so = soName(mod);
      if (this.state.declinedModules.has(so) && !this.state.loadDeclinedModule(so)) {
        this.error(s, m, 'Could not load module.');
        return;
      }
      this.state.loadedModules.add(mod);
      this.respond(s, m, 'Success', [['Message', 'Module loaded.']]);
      return;
    }
    if (type === 'unload') {
      if (!this.state.loadedModules.delete(mod)) this.error(s, m, 'Could not unload module.');
      else this.respond(s, m, 'Success', [['Message', 'Module unloaded.']]);
      return;
    }
    this.error(s, m, 'Incomplete ModuleLoad action.');
  }

  a_modulecheck(s: Session, m: AmiMessage): void {
    const mod = m.get('Module') ?? '';
    if (!this.state.hasModule(mod)) {
      this.error(s, m, 'Module not loaded');
      return;
    }
    this.respond(s, m, 'Success', [['Version', '']]);
  }

  // --- AstDB -------------------------------------------------------------------------
  a_dbget(s: Session, m: AmiMessage): void {
    const fam = m.get('Family') ?? '';
    const key = m.get('Key') ?? '';
    const v = this.state.db.get(`/${fam}/${key}`);
    if (v === undefined) {
      this.error(s, m, 'Database entry not found');
      return;
    }
    this.list(s, m, 'Result will follow', [{ event: 'DBGetResponse', fields: [['Family', fam], ['Key', key], ['Val', v]] }], 'DBGetComplete', 'last');
  }

  a_dbput(s: Session, m: AmiMessage): void {
    const fam = m.get('Family');
    const key = m.get('Key');
    if (!fam || !key) {
      this.error(s, m, fam ? 'No key specified' : 'No family specified');
      return;
    }
    this.state.db.set(`/${fam}/${key}`, m.get('Val') ?? '');
    this.respond(s, m, 'Success', [['Message', 'Updated database successfully']]);
  }

  a_dbdel(s: Session, m: AmiMessage): void {
    if (!this.state.db.delete(`/${m.get('Family') ?? ''}/${m.get('Key') ?? ''}`)) {
      this.error(s, m, 'Database entry could not be deleted');
      return;
    }
    this.respond(s, m, 'Success', [['Message', 'Key deleted successfully']]);
  }

  a_dbdeltree(s: Session, m: AmiMessage): void {
    const prefix = `/${m.get('Family') ?? ''}${m.get('Key') ? `/${m.get('Key')}` : ''}`;
    let n = 0;
    for (const k of [...this.state.db.keys()]) if (k === prefix || k.startsWith(prefix + '/')) {
        this.state.db.delete(k);
        n++;
      }
    if (n === 0) this.error(s, m, 'Database entry could not be deleted');
    else this.respond(s, m, 'Success', [['Message', 'Key tree deleted successfully']]);
  }

  // --- misc --------------------------------------------------------------------------
  a_extensionstate(s: Session, m: AmiMessage): void {
    const exten = m.get('Exten') ?? '';
    const context = m.get('Context') ?? 'default';
    const hint = this.state.dialplan.hint(context, exten);
    if (!hint) {
      this.respond(s, m, 'Success', [['Message', 'Extension Status'], ['Exten', exten], ['Context', context], ['Hint', ''], ['Status', '-1'], ['StatusText', 'Unknown']]);
      return;
    }
    const dev = /^PJSIP\/(.+)$/.exec(hint);
    let status = 0;
    let text = 'Idle';
    if (dev) {
      const st = this.state.endpointDeviceState(dev[1] ?? '');
      const map: Record<string, [number, string]> = { Unavailable: [4, 'Unavailable'], 'In use': [1, 'InUse'], Ringing: [8, 'Ringing'] };
      const hit = map[st];
      if (hit) [status, text] = hit;
    }
    this.respond(s, m, 'Success', [['Message', 'Extension Status'], ['Exten', exten], ['Context', context], ['Hint', hint], ['Status', String(status)], ['StatusText', text]]);
  }

  a_mailboxcount(s: Session, m: AmiMessage): void {
    const mb = m.get('Mailbox') ?? '';
    if (!mb) {
      this.error(s, m, 'Mailbox not specified');
      return;
    }
    const c = this.state.mailboxes.get(mb) ?? { urgent: 0, newMsgs: 0, old: 0 };
    this.respond(s, m, 'Success', [['Message', 'Mailbox Message Count'], ['Mailbox', mb], ['UrgMessages', String(c.urgent)], ['NewMessages', String(c.newMsgs)], ['OldMessages', String(c.old)]]);
  }
}

