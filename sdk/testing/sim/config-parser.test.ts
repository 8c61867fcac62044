import { describe, expect, it } from 'vitest';
import { mapSource, parseConfig, sectionValue } from './config-parser.ts';
import { PjsipStore } from './pjsip.ts';
import { Dialplan, patternMatches } from './dialplan.ts';

describe('config parser', () => {
  it('templates, includes, comments, => and skipped lines', () => {
    const src = mapSource({
      'pjsip.conf': '[tpl](!)\ntype = endpoint\ncontext = a ; comment\n\n#include "more.conf"\n#tryinclude "absent.conf"\n[6101](tpl)\ncontext = b\nnot a pair\nvalue = x\\;y\n',
      'more.conf': '[6102](tpl)\nallow => ulaw\n',
    });
    const r = parseConfig(src, 'pjsip.conf');
    expect(r.fatal).toBeUndefined();
    expect(r.sections.map((s) => s.name)).toEqual(['tpl', '6102', '6101']);
    expect(r.sections[0]!.isTemplate).toBe(true);
    const s6101 = r.sections[2]!;
    expect(sectionValue(s6101, 'type')).toBe('endpoint');
    expect(sectionValue(s6101, 'context')).toBe('b');
    expect(sectionValue(s6101, 'value')).toBe('x;y');
    expect(r.sections[1]!.entries.at(-1)).toMatchObject({ key: 'allow', value: 'ulaw', arrow: true });
    expect(r.warnings).toHaveLength(1);
  });

  it('missing #include and unclosed section are fatal', () => {
    expect(parseConfig(mapSource({ 'a.conf': '#include "b.conf"\n[x]\n' }), 'a.conf').fatal).toMatch(/does not exist/);
    expect(parseConfig(mapSource({ 'a.conf': '[x\ntype=aor\n' }), 'a.conf').fatal).toMatch(/no closing/);
    expect(parseConfig(mapSource({}), 'a.conf').missing).toBe(true);
  });

  it('pjsip store: unknown option keeps the previous object, new bad object is not created', () => {
    const files: Record<string, string> = { 'pjsip.conf': '[a]\ntype=aor\nmax_contacts=1\n' };
    const st = new PjsipStore();
    st.reload(mapSource(files));
    files['pjsip.conf'] = '[a]\ntype=aor\nmax_contacts=2\nbogus=1\n[b]\ntype=aor\nbogus=1\n[c]\ntype=aor\n';
    const rep = st.reload(mapSource(files));
    expect(rep.rejected).toBe(false);
    expect(st.get('aor', 'a')?.options.max_contacts).toBe('1');
    expect(st.get('aor', 'b')).toBeUndefined();
    expect(st.get('aor', 'c')).toBeDefined();
    files['pjsip.conf'] = '[c]\ntype=aor\n[c]\ntype=aor\n';
    expect(st.reload(mapSource(files)).rejected).toBe(true);
    expect(st.list('aor').map((o) => o.name)).toEqual(['a', 'c']);
  });

  it('dialplan: same => n, bad priority skipped, patterns', () => {
    const d = new Dialplan();
    d.reload(mapSource({ 'extensions.conf': '[ctx]\nexten => _61XX,1,NoOp(x)\n same => n,Dial(PJSIP/${EXTEN},20)\nexten => 9,abc,NoOp(bad)\nexten => 7,hint,PJSIP/7\n' }));
    expect(d.match('ctx', '6123')?.priorities.map((p) => p.priority)).toEqual([1, 2]);
    expect(d.match('ctx', '6123')?.priorities[1]?.data).toBe('PJSIP/${EXTEN},20');
    expect(d.match('ctx', '9')).toBeUndefined();
    expect(d.hint('ctx', '7')).toBe('PJSIP/7');
    expect(patternMatches('N[1-3]X.', '2234')).toBe(true);
    expect(patternMatches('NXX', '123')).toBe(false);
  });
});
