import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

/** Rewriting golden files is asked for explicitly, never implied by a missing one. */
export const updatingGolden = (): boolean => process.env.UPDATE_GOLDEN === '1';

/**
 * Compares `actual` with the golden file at `path`. A missing golden file fails; with
 * `UPDATE_GOLDEN=1` the file is written instead (review the diff by eye before committing it).
 */
export function expectGolden(path: string, actual: string): void {
  if (updatingGolden()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing (UPDATE_GOLDEN=1 writes it)`);
  expect(actual, `golden ${path} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}

/** `expectGolden` for the files of one folder, e.g. `const golden = goldenDir(join(import.meta.dirname, 'golden'))`. */
export function goldenDir(dir: string): (name: string, actual: string) => void {
  return (name, actual) => expectGolden(join(dir, name), actual);
}
