import type { TestClient } from '../../../sdk/testing/kernel.ts';

export async function create(c: TestClient, path: string, body: unknown): Promise<Record<string, any>> {
  const res = await c.json('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
