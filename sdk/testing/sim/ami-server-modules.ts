/**
 * AMI actions of the application modules (app_queue's are in ami-server-queues.ts):
 * ConfbridgeList/ConfbridgeListRooms (app_confbridge), VoicemailUsersList (apps/app_voicemail.c
 * manager_list_voicemail_users) and Parkinglots (res/parking/parking_manager.c).
 */
import type { AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import type { Session } from './ami-server-core.ts';
import { AmiQueueActions } from './ami-server-queues.ts';
import type { Fields } from './state.ts';

export class AmiModuleActions extends AmiQueueActions {
  // --- conferences -------------------------------------------------------------------
  a_confbridgelist(s: Session, m: AmiMessage): void {
    const conf = m.get('Conference') ?? '';
    if (!conf) {
      this.error(s, m, 'No Conference name provided.');
      return;
    }
    const members = this.state.conferences.get(conf) ?? [];
    if (members.length === 0) {
      this.error(s, m, 'No active conferences.');
      return;
    }
    const items = members.map((x) => {
      const c = this.state.channels.get(x.channel);
      const chanFields: Fields = c ? this.state.channelFields(c) : [['Channel', x.channel], ['Uniqueid', x.uniqueid]];
      return {
        event: 'ConfbridgeList',
        fields: [['Conference', conf], ['Admin', x.admin ? 'Yes' : 'No'], ['MarkedUser', x.admin ? 'Yes' : 'No'], ['WaitMarked', 'No'], ['EndMarked', 'No'], ['EndMarkedAny', 'No'], ['Waiting', 'No'], ['Muted', 'No'], ['Talking', 'No'], ['AnsweredTime', String(Math.floor((Date.now() - x.joinedAt) / 1000))], ...chanFields] as Fields,
      };
    });
    this.list(s, m, 'Confbridge user list will follow', items, 'ConfbridgeListComplete', 'second');
  }

  a_confbridgelistrooms(s: Session, m: AmiMessage): void {
    const rooms = [...this.state.conferences.entries()].filter(([, mem]) => mem.length > 0);
    if (rooms.length === 0) {
      this.error(s, m, 'No active conferences.');
      return;
    }
    const items = rooms.map(([name, mem]) => ({ event: 'ConfbridgeListRooms', fields: [['Conference', name], ['Parties', String(mem.length)], ['Marked', String(mem.filter((x) => x.admin).length)], ['Locked', 'No'], ['Muted', 'No']] as Fields }));
    this.list(s, m, 'Confbridge conferences will follow', items, 'ConfbridgeListRoomsComplete', 'second');
  }

  a_voicemailuserslist(s: Session, m: AmiMessage): void {
    if (!this.state.loadedModules.has('app_voicemail.so')) return this.unknown(s, m);
    const vm = this.state.modules.voicemail;
    if (vm.users.length === 0) {
      this.respond(s, m, 'Success', [['Message', 'There are no voicemail users currently defined.']]);
      return;
    }
    const items = vm.users.map((u) => {
      const c = this.state.mailboxes.get(`${u.mailbox}@${u.context}`) ?? { urgent: 0, newMsgs: 0, old: 0 };
      return { event: 'VoicemailUserEntry', fields: vm.entryFields(u, c) };
    });
    this.list(s, m, 'Voicemail user list will follow', items, 'VoicemailUserEntryComplete', 'second');
  }

  a_parkinglots(s: Session, m: AmiMessage): void {
    if (!this.state.loadedModules.has('res_parking.so')) return this.unknown(s, m);
    const items = this.state.modules.parking.lots.map((l) => ({
      event: 'Parkinglot',
      fields: [['Name', l.name], ['StartSpace', String(l.start)], ['StopSpace', String(l.stop)], ['Timeout', String(l.timeout)]] as Fields,
    }));
    this.list(s, m, 'Parking lots will follow', items, 'ParkinglotsComplete', 'second');
  }
}
