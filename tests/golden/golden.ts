import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const ROOT = import.meta.dirname;

/**
 * Compares `actual` with `tests/golden/<caseName>/<file>`; with `UPDATE_GOLDEN=1` writes it instead
 * (a missing golden file fails). Review a rewritten golden file by eye
 * against the Asterisk 20 docs before committing it.
 */
export function expectGolden(caseName: string, file: string, actual: string): void {
  const path = join(ROOT, caseName, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${caseName}/${file} is missing (UPDATE_GOLDEN=1 writes it)`);
  expect(actual, `golden ${caseName}/${file} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}
