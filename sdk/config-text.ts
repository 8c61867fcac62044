import { z } from 'zod';

/**
 * Rules for text that may end up in an Asterisk config file. Asterisk's parser treats a newline
 * as a new line (a recorded `callerid` with `\n[evil]` created a real endpoint), `;` as a
 * comment, `[`/`]` at the start of a line as a section, and `#include`/`#exec` as directives.
 * Such values are refused at the API; renderers call `confValue` so nothing slips through.
 */
/** Nothing any rule below looks at: the common case, checked with one scan. */
// eslint-disable-next-line no-control-regex -- control characters are what it excludes
const PLAIN = /^[^\u0000-\u001f\u007f;#[\]]*$/;

export function configTextProblem(value: string): string | null {
  if (PLAIN.test(value)) return null;
  if (/[\r\n]/.test(value)) return 'must not contain a line break';
  if (value.includes('\0')) return 'must not contain a NUL character';
  if (value.includes(';')) return 'must not contain ";" (starts a comment in Asterisk config)';
  if (/^\s*[[\]]/.test(value)) return 'must not start with "[" or "]" (starts a config section)';
  if (/#\s*(include|tryinclude|exec)/i.test(value)) return 'must not contain #include, #tryinclude or #exec';
  // Other control characters have no business in config and confuse terminals and logs.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  return null;
}

export class UnsafeConfigValueError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`unsafe config value in ${field}: ${reason}`);
  }
}

/** The value as written after `=` in a config file; throws rather than write something unsafe. */
export function confValue(value: string | number | boolean, field = 'value'): string {
  const text = String(value);
  const problem = configTextProblem(text);
  if (problem) throw new UnsafeConfigValueError(field, problem);
  return text.trim();
}

/** Bytes Asterisk keeps of a section name (config.c's `char name[80]`, less the NUL): longer names are cut. */
export const SECTION_NAME_MAX = 79;

/** A section or object name: letters, digits and `-_.+@` only, at most SECTION_NAME_MAX bytes. */
export function confName(value: string, field = 'name'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+@-]*$/.test(value)) throw new UnsafeConfigValueError(field, 'section names may use letters, digits and -_.+@ only');
  if (value.length > SECTION_NAME_MAX) throw new UnsafeConfigValueError(field, `"${value.slice(0, 20)}…" is longer than the ${SECTION_NAME_MAX} characters Asterisk keeps of a section name`);
  return value;
}

/** zod string that is safe to write into Asterisk config. */
export function configText(max = 255) {
  return z.string().max(max).superRefine((v, ctx) => {
    const problem = configTextProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
