import { describe, expect, it } from 'vitest';
import { ExtensionInput } from './schemas.js';

// The extension protocol field used to be accepted and rendered as PJSIP whatever it said.
describe('extension protocol', () => {
  const base = { clusterId: 1, name: 'Alice', extension: '5020' };
  it('accepts pjsip and no protocol', () => {
    expect(ExtensionInput.safeParse({ ...base, protocol: 'pjsip' }).success).toBe(true);
    expect(ExtensionInput.safeParse(base).success).toBe(true);
  });
  it.each([
    ['sip', /chan_sip was removed/],
    ['iax2', /iax2 extensions are not rendered/],
  ])('refuses %s naming the field', (protocol, message) => {
    const r = ExtensionInput.safeParse({ ...base, protocol });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['protocol']);
    expect(issue.message).toMatch(message);
  });
});
