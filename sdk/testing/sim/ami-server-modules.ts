/**
 * AMI actions of the config-driven modules: VoicemailUsersList (apps/app_voicemail.c
 * manager_list_voicemail_users) and Parkinglots (res/parking/parking_manager.c).
 */
import type { AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import { AmiServerCore, type Session } from './ami-server-core.ts';

export class AmiModuleActions extends AmiServerCore {
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
      fields: [['Name', l.name], ['StartSpace', String(l.start)], ['StopSpace', String(l.stop)], ['Timeout', String(l.timeout)]] as Array<[string, string]>,
    }));
    this.list(s, m, 'Parking lots will follow', items, 'ParkinglotsComplete', 'second');
  }

  /** The action of a module that is not running does not exist. */
  protected unknown(s: Session, m: AmiMessage): void {
    this.error(s, m, `Invalid/unknown command: ${m.get('Action') ?? ''}. Use Action: ListCommands to show available commands.`);
  }
}
