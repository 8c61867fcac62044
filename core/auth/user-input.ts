/** The one schema of a user, shared by the API (`/api/users`) and the CLI (`acm users …`). */
import { z } from 'zod';

const Scopes = z.array(z.strictObject({ type: z.enum(['site', 'cluster', 'group']), id: z.number().int().positive() }));

export const UserInput = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{1,80}$/, 'letters, digits and _.@- only'),
  password: z.string().min(10, 'at least 10 characters').max(1024),
  role: z.string().min(1).max(40),
  tenantId: z.number().int().positive().nullish(),
  scopes: Scopes.default([]),
  fullName: z.string().max(120).optional(),
  email: z.email().optional(),
});

export const UserUpdate = z.strictObject({
  password: z.string().min(10, 'at least 10 characters').max(1024).optional(),
  role: z.string().min(1).max(40).optional(),
  scopes: Scopes.optional(),
  enabled: z.boolean().optional(),
  fullName: z.string().max(120).nullish(),
  email: z.email().nullish(),
});
