import { userInfo } from 'node:os';
import type { Principal } from '../../sdk/plugin.ts';

/**
 * The operator at the console acts as an administrator; the audit log names the OS user. The
 * core's commands and the plugins' (`CliContext.operator`) run as this one identity.
 */
export function cliOperator(): Principal {
  return { userId: 0, username: `cli:${userInfo().username}`, role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };
}
