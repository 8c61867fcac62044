/**
 * The simulated AMI server's PJSIP actions (PJSIPShowEndpoints, PJSIPShowEndpoint, PJSIPShowAors,
 * PJSIPShowAuths, PJSIPShowContacts), answering like res_pjsip of Asterisk 20.20.1.
 */
import { createHash } from 'node:crypto';
import type { AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import type { Session } from './ami-server-core.ts';
import { AmiModuleActions } from './ami-server-modules.ts';
import { aorFields, authFields, endpointDetailItems } from './pjsip-show.ts';
import type { Fields } from './state.ts';

export class AmiPjsipActions extends AmiModuleActions {
  // --- PJSIP -------------------------------------------------------------------------
  a_pjsipshowendpoints(s: Session, m: AmiMessage): void {
    const names = this.state.endpointNames();
    if (names.length === 0) {
      this.error(s, m, 'No endpoints found\n');
      return;
    }
    const items = names.map((n) => {
      const e = this.state.pjsip.get('endpoint', n)!;
      const contacts = this.state.endpointContacts(n).map((c) => `${c.aor}/${c.uri},`).join('');
      return {
        event: 'EndpointList',
        fields: [
          ['ObjectType', 'endpoint'], ['ObjectName', n], ['Transport', e.options.transport ?? ''], ['Aor', e.options.aors ?? ''],
          ['Auths', e.options.auth ?? ''], ['OutboundAuths', e.options.outbound_auth ?? ''], ['Contacts', contacts],
          ['DeviceState', this.state.endpointDeviceState(n)], ['ActiveChannels', String(this.state.endpointChannels(n).length)],
        ] as Fields,
      };
    });
    this.list(s, m, 'A listing of Endpoints follows, presented as EndpointList events', items, 'EndpointListComplete', 'second');
  }

  a_pjsipshowendpoint(s: Session, m: AmiMessage): void {
    const name = m.get('Endpoint') ?? '';
    const e = this.state.pjsip.get('endpoint', name);
    if (!e) {
      // Real Asterisk 20 puts a bare LF at the end of this message (fact 2).
      this.error(s, m, `Unable to retrieve endpoint ${name}\n`);
      return;
    }
    const items = endpointDetailItems(this.state, name);
    this.list(s, m, 'Following are Events for each object associated with the Endpoint', items, 'EndpointDetailComplete', 'second');
  }

  a_pjsipshowaors(s: Session, m: AmiMessage): void {
    const aors = this.state.pjsip.list('aor');
    if (aors.length === 0) {
      this.error(s, m, 'No AORs found\n');
      return;
    }
    const items = aors.map((o) => ({
      event: 'AorList',
      fields: [['ObjectType', 'aor'], ['ObjectName', o.name], ...aorFields(this.state, o)] as Fields,
    }));
    this.list(s, m, 'A listing of AORs follows, presented as AorList events', items, 'AorListComplete', 'second');
  }

  a_pjsipshowauths(s: Session, m: AmiMessage): void {
    const auths = this.state.pjsip.list('auth');
    if (auths.length === 0) {
      this.error(s, m, 'No Auths found\n');
      return;
    }
    const items = auths.map((o) => ({
      event: 'AuthList',
      fields: [['ObjectType', 'auth'], ['ObjectName', o.name], ...authFields(o)] as Fields,
    }));
    this.list(s, m, 'A listing of Auths follows, presented as AuthList events', items, 'AuthListComplete', 'second');
  }

  a_pjsipshowcontacts(s: Session, m: AmiMessage): void {
    const regs = [...this.state.contacts.values()].flat();
    if (regs.length === 0) {
      this.error(s, m, 'No Contacts found\n');
      return;
    }
    const items = regs.map((c) => {
      const endpoint = this.state.endpointNames().find((e) => this.state.endpointAors(e).includes(c.aor)) ?? '';
      return {
        event: 'ContactList',
        fields: [
          ['ObjectType', 'contact'], ['ObjectName', `${c.aor};@${md5(c.uri)}`], ['ViaAddr', c.viaAddr], ['QualifyTimeout', '3.000000'],
          ['Qualify2xxOnly', 'false'], ['CallId', c.callId], ['RegServer', this.state.systemName], ['PruneOnBoot', 'no'], ['Path', ''],
          ['Endpoint', endpoint], ['ViaPort', String(c.viaPort)], ['AuthenticateQualify', 'no'], ['Uri', c.uri], ['QualifyFrequency', '0'],
          ['UserAgent', c.userAgent], ['ExpirationTime', String(c.expiresAt)], ['OutboundProxy', ''], ['Status', 'NonQualified'],
          ['RoundtripUsec', 'N/A'],
        ] as Fields,
      };
    });
    this.list(s, m, 'A listing of Contacts follows, presented as ContactList events', items, 'ContactListComplete', 'second');
  }
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}
