/** Types this plugin passes between its files (all from the SDK). */
export type { AmiService, SshService, ModelService, AuditService, PluginContext } from '../../sdk/index.ts';
export type Logger = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void; error(obj: object, msg: string): void };
