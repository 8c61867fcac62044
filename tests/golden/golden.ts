import { join } from 'node:path';
import { expectGolden as expectGoldenFile } from '../../sdk/testing/golden.ts';

/** Compares `actual` with `tests/golden/<caseName>/<file>` (see sdk/testing/golden.ts; UPDATE_GOLDEN=1 rewrites). */
export function expectGolden(caseName: string, file: string, actual: string): void {
  expectGoldenFile(join(import.meta.dirname, caseName, file), actual);
}
