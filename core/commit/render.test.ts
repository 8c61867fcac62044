import { describe, expect, it } from 'vitest';
import { UnsafeConfigValueError } from '../../sdk/config-text.ts';
import { renderCluster, renderIncludeStubs, sortByReloadOrder } from './render/index.ts';
import { classifyPattern, patternMatches, RenderError, tenantPrefix } from './render/common.ts';
import { renderDialplan } from './render/dialplan.ts';
import { renderPjsip } from './render/pjsip.ts';
import { renderVoicemail } from './render/voicemail.ts';
import { renderAcl } from './render/acl.ts';
import { toPluginView } from './snapshot.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import type { ClusterSnapshot } from './snapshot.ts';

const ext = (s: ClusterSnapshot, n: string) => s.extensions.find((e) => e.extension === n)!;

describe('tenantPrefix', () => {
  it('is empty for the default tenant and t<id>- otherwise', () => {
    expect(tenantPrefix({ id: 1 })).toBe('');
    expect(tenantPrefix({ id: 42 })).toBe('t42-');
  });
});

describe('unsafe values that slip past the API make the renderers throw', () => {
  const cases: [string, (s: ClusterSnapshot) => void, (s: ClusterSnapshot) => unknown][] = [
    ['a newline in callerid (the recorded [evil] endpoint)', (s) => { ext(s, '6101').callerId = 'Alice <6101>\n[evil]\ntype = endpoint'; }, renderPjsip],
    ['a comment in a password', (s) => { ext(s, '6101').secret = 'abc;def'; }, renderPjsip],
    ['#exec in a display name (voicemail)', (s) => { ext(s, '6101').name = 'x #exec /bin/sh'; }, renderVoicemail],
    ['a section in an ACL network', (s) => { s.acls[0]!.rules[0]!.network = '[evil]'; }, renderAcl],
    ['a bad context name', (s) => { ext(s, '6101').context = 'a b'; }, renderPjsip],
    ['a bad endpoint name', (s) => { ext(s, '6101').extension = '61]01'; }, renderPjsip],
    ['a function call as forward target', (s) => { ext(s, '6102').cfwdTo = '${SHELL(id)}'; }, renderDialplan],
    ['an application argument break-out as forward target', (s) => { ext(s, '6102').cfwdTo = '1),System(id'; }, renderDialplan],
    ['a non-pattern as outbound pattern', (s) => { s.trunks[0]!.outboundPatterns = ['_9X,1,System(id)']; }, renderDialplan],
    ['a NUL in a trunk user', (s) => { s.trunks[0]!.fromUser = 'a\0b'; }, renderPjsip],
  ];
  for (const [name, mutate, render] of cases) {
    it(name, () => {
      const s = tpa1();
      mutate(s);
      expect(() => render(s)).toThrow();
      try {
        render(s);
      } catch (err) {
        expect(err instanceof UnsafeConfigValueError || err instanceof RenderError).toBe(true);
      }
      expect(() => renderCluster(s)).toThrow();
    });
  }
  it('enum values without a PJSIP equivalent are refused, not guessed (direct_media = maybe became false)', () => {
    const s = tpa1();
    ext(s, '6101').canReinvite = 'maybe';
    expect(() => renderPjsip(s)).toThrow(RenderError);
  });
});

describe('the plugin view', () => {
  it('toPluginView leaves the original snapshot alone', () => {
    const s = tpa1();
    const v = toPluginView(s);
    expect(s.servers[0]!.amiSecret).toBe('ami-secret');
    expect(v.servers[0]).not.toHaveProperty('amiSecret');
  });
});

describe('helpers', () => {
  it('matches dialplan patterns as Asterisk does', () => {
    expect(patternMatches('_9NXXNXXXXXX', '98135550199')).toBe(true);
    expect(patternMatches('_9NXXNXXXXXX', '91135550199')).toBe(false);
    expect(patternMatches('_9011.', '9011')).toBe(false);
    expect(patternMatches('_9011.', '901144')).toBe(true);
    expect(patternMatches('_61[0-2]X', '6125')).toBe(true);
    expect(patternMatches('_61[0-2]X', '6135')).toBe(false);
    expect(patternMatches('6101', '6101')).toBe(true);
  });
  it('classifies outbound patterns into rights after the dial prefix', () => {
    expect(classifyPattern('_9NXXNXXXXXX', '9')).toBe('local');
    expect(classifyPattern('_91NXXNXXXXXX', '9')).toBe('longdistance');
    expect(classifyPattern('_9011.', '9')).toBe('international');
    expect(classifyPattern('_00.', null)).toBe('international');
    // Emergency short codes are local, even 112 through a dial prefix and 000 (Australia).
    expect(classifyPattern('_9112', '9')).toBe('local');
    expect(classifyPattern('112', null)).toBe('local');
    expect(classifyPattern('000', null)).toBe('local');
    expect(classifyPattern('_91XX', '9')).toBe('longdistance');
  });
  it('orders reloads so referenced objects load first', () => {
    expect(sortByReloadOrder(['pbx_config.so', 'app_queue.so', 'res_pjsip.so', 'acl'])).toEqual(['acl', 'res_pjsip.so', 'app_queue.so', 'pbx_config.so']);
  });
  it('stubs include every core file', () => {
    const stubs = renderIncludeStubs();
    expect(stubs.map((s) => s.file)).toEqual(['acl.conf', 'extensions.conf', 'musiconhold.conf', 'pjsip.conf', 'res_parking.conf', 'voicemail.conf']);
    for (const s of stubs) expect(s.content).toMatch(/^#tryinclude acm\/[a-z_]+\.acm\.conf$/m);
  });
});
