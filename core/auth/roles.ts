/**
 * Built-in roles. Permissions are `<plugin>.<resource>:<verb>`; a pattern may use `*` for a
 * whole segment (`*:read`, `core.*:write`, `*`).
 */
export const BUILTIN_ROLES: Record<string, { description: string; permissions: string[] }> = {
  admin: { description: 'Everything, including users, plugins and licenses', permissions: ['*'] },
  helpdesk: {
    description: 'Reads everything; moves, adds and changes of extensions; commits them',
    permissions: ['*:read', 'core.extension:write', 'core.commit:write'],
  },
  viewer: { description: 'Reads everything', permissions: ['*:read'] },
};

export function permissionMatches(pattern: string, permission: string): boolean {
  if (pattern === '*') return true;
  const [pRes, pVerb] = pattern.split(':');
  const [res, verb] = permission.split(':');
  if (pVerb !== '*' && pVerb !== verb) return false;
  if (pRes === '*') return true;
  const pParts = pRes!.split('.');
  const parts = res!.split('.');
  return pParts.length === parts.length && pParts.every((p, i) => p === '*' || p === parts[i]);
}

export function can(permissions: string[], permission: string): boolean {
  return permissions.some((p) => permissionMatches(p, permission));
}
