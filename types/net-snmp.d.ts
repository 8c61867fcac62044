/** The part of net-snmp (3.x, no bundled types) the core notifier (core/services/notifier.ts) and its tests use. */
declare module 'net-snmp' {
  export interface Varbind { oid: string; type: number; value: unknown }
  export interface Session {
    trap(typeOrOid: string | number, varbinds: Varbind[], optionsOrCallback: ((error: Error | null) => void) | Record<string, unknown>, callback?: (error: Error | null) => void): void;
    close(): void;
    on(event: 'error', fn: (e: Error) => void): void;
  }
  export interface Notification { pdu: { type: number; varbinds: Varbind[]; community?: string }; rinfo: { address: string; port: number } }
  export interface Receiver {
    close(callback?: () => void): void;
    getAuthorizer(): { addCommunity(c: string): void };
  }
  export const Version1: number;
  export const Version2c: number;
  export const ObjectType: { OctetString: number; ObjectIdentifier: number; Integer: number; TimeTicks: number };
  export const PduType: { Trap: number; TrapV2: number; InformRequest: number };
  export function createSession(target: string, community: string, options?: { trapPort?: number; version?: number; transport?: 'udp4' | 'udp6'; timeout?: number; retries?: number }): Session;
  export function createReceiver(options: { port?: number; address?: string | null; transport?: string; disableAuthorization?: boolean; includeAuthentication?: boolean }, callback: (error: Error | null, notification: Notification | null) => void): Receiver;
  const snmp: {
    Version1: number; Version2c: number;
    ObjectType: typeof ObjectType; PduType: typeof PduType;
    createSession: typeof createSession; createReceiver: typeof createReceiver;
  };
  export default snmp;
}
