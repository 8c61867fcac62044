import { describe, expect, it } from 'vitest';
import { securityEntities } from './entities.ts';

// That the plugin's migrations build exactly what its entities describe, on SQLite and MariaDB,
// and go down again, is checked for every owner by tests/migrations.test.ts.
describe('security tables', () => {
  it('names every table security_*', () => {
    for (const e of securityEntities) expect(e.meta.tableName).toMatch(/^security_/);
  });
});
