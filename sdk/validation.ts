import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors.ts';

/** Turns a zod failure into field problems a person can act on (unknown keys named one by one). */
export function zodProblems(err: z.ZodError): FieldProblem[] {
  return err.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...i.path, k].join('.'), message: 'unknown field' }));
    return [{ field: i.path.join('.') || '(body)', message: i.message }];
  });
}

/** Parses input with the one schema of the object; a bad value is a ValidationError (422) naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new ValidationError(zodProblems(r.error));
  return r.data;
}
