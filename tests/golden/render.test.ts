import { describe, expect, it } from 'vitest';
import { renderCluster, renderIncludeStubs } from '../../core/commit/render/index.ts';
import { validateCluster } from '../../core/commit/validate.ts';
import { expectGolden } from './golden.ts';
import { tpa1 } from './fixture.ts';

describe('golden: cluster tpa1 (default tenant)', () => {
  const files = renderCluster(tpa1());
  it('renders the core files with reload modules and hashes', () => {
    expect(files.map((f) => [f.name, f.reload])).toEqual([
      ['acm/acl.acm.conf', 'acl'],
      ['acm/extensions.acm.conf', 'pbx_config.so'],
      ['acm/musiconhold.acm.conf', 'res_musiconhold.so'],
      ['acm/pjsip.acm.conf', 'res_pjsip.so'],
      ['acm/res_parking.acm.conf', 'res_parking.so'],
      ['acm/voicemail.acm.conf', 'app_voicemail.so'],
    ]);
    for (const f of files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  for (const f of files) it(f.name, () => expectGolden('tpa1', f.name, f.content));
  it('is deterministic whatever the input order', () => {
    const s = tpa1();
    s.extensions.reverse();
    s.trunks.reverse();
    s.groups.reverse();
    s.acls.reverse();
    expect(renderCluster(s)).toEqual(files);
  });
  it('the fixture validates clean', () => {
    expect(validateCluster(tpa1(), files)).toEqual([]);
  });
});

describe('golden: cluster tpa1 of tenant 7 (prefixed names)', () => {
  const files = renderCluster(tpa1(7));
  for (const f of files) it(f.name, () => expectGolden('tpa1-tenant7', f.name, f.content));
  it('the fixture validates clean', () => {
    expect(validateCluster(tpa1(7), files)).toEqual([]);
  });
});

describe('golden: include stubs', () => {
  for (const stub of renderIncludeStubs()) it(stub.file, () => expectGolden('stubs', stub.file, stub.content));
});
