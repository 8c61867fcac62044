import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { expectGolden } from './golden.ts';

const dir = mkdtempSync(join(tmpdir(), 'acm-golden-'));
afterEach(() => vi.unstubAllEnvs());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expectGolden', () => {
  it('fails on a missing golden file and does not write it', () => {
    vi.stubEnv('UPDATE_GOLDEN', '');
    const file = join(dir, 'missing.conf');
    expect(() => expectGolden(file, '[general]\n')).toThrow(/missing \(UPDATE_GOLDEN=1 writes it\)/);
    expect(existsSync(file)).toBe(false);
  });

  it('fails when the output differs, passes when it matches', () => {
    vi.stubEnv('UPDATE_GOLDEN', '');
    const file = join(dir, 'same.conf');
    writeFileSync(file, '[general]\n');
    expect(() => expectGolden(file, '[general]\n')).not.toThrow();
    expect(() => expectGolden(file, '[globals]\n')).toThrow(/differs/);
  });

  it('writes the file only with UPDATE_GOLDEN=1', () => {
    vi.stubEnv('UPDATE_GOLDEN', '1');
    const file = join(dir, 'sub', 'new.conf');
    expectGolden(file, '[general]\n');
    expect(readFileSync(file, 'utf8')).toBe('[general]\n');
  });
});
