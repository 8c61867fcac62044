/** Reading the cfg-*.txt recordings of the real Asterisk 20 (tests/fixtures/asterisk20). */
import { countFrames, fixture, loginRaw } from './helpers.ts';

/** The n-th file body between BEGIN/END FILE markers. */
export function fileBody(text: string, n = 0): string {
  const all = [...text.matchAll(/-----BEGIN FILE-----\n([\s\S]*?)-----END FILE-----/g)];
  const m = all[n];
  if (!m) throw new Error(`no file body #${n}`);
  return m[1] ?? '';
}

/** Non-empty lines of the `## <heading>...` section (up to the next `## `). */
export function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${heading}`));
  if (start < 0) throw new Error(`no section '${heading}'`);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.startsWith('## ')) break;
    if (l.trim() !== '') out.push(l);
  }
  return out;
}

/** Log lines of a section without timestamp, thread id and VERBOSE lines: `LEVEL file.c: message`. */
export function logLines(text: string, heading: string): string[] {
  return section(text, heading)
    .filter((l) => l.startsWith('['))
    .map((l) => l.replace(/^\[[^\]]*\] /, '').replace(/^([A-Z]+)\[\d+\](?:\[[^\]]*\])? /, '$1 '))
    .filter((l) => !l.startsWith('VERBOSE') && !l.includes("Type 'system' is not reloadable"));
}

/** Send a recorded AMI request on a fresh logged-in connection and return the raw answer. */
export async function replay(port: number, request: string, expected: string, events = 'off'): Promise<string> {
  const c = await loginRaw(port, events);
  try {
    c.send(fixture(request));
    await c.waitFor((d) => countFrames(d) >= countFrames(fixture(expected)));
    await new Promise((r) => setTimeout(r, 10));
    return c.take();
  } finally {
    c.close();
  }
}
