import type { AmiClient } from '../asterisk/ami-client.ts';

export interface ExpectedState {
  /** PJSIP endpoints acm rendered (templates excluded). */
  endpoints: string[];
  /** Dialplan contexts acm rendered. */
  contexts: string[];
}

/** Sections of an Asterisk config file with their `type=` value; templates (`(!)`) are left out. */
function sections(content: string): { name: string; type?: string }[] {
  const out: { name: string; type?: string }[] = [];
  let cur: { name: string; type?: string } | undefined;
  for (const raw of content.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    const head = /^\[([^\]]+)\](\(([^)]*)\))?/.exec(line);
    if (head) {
      const isTemplate = (head[3] ?? '').split(',').map((s) => s.trim()).includes('!');
      cur = isTemplate ? undefined : { name: head[1]! };
      if (cur) out.push(cur);
      continue;
    }
    const type = /^type\s*=>?\s*(\S+)/.exec(line);
    if (type && cur) cur.type = type[1];
  }
  return out;
}

export function expectedState(files: { name: string; content: string }[]): ExpectedState {
  const pjsip = files.filter((f) => f.name === 'acm/pjsip.acm.conf').flatMap((f) => sections(f.content));
  const dialplan = files.filter((f) => f.name === 'acm/extensions.acm.conf').flatMap((f) => sections(f.content));
  return {
    endpoints: pjsip.filter((s) => s.type === 'endpoint').map((s) => s.name).sort(),
    contexts: dialplan.map((s) => s.name).filter((n) => n !== 'general' && n !== 'globals').sort(),
  };
}

/**
 * Checks what a server holds after a reload against what was rendered. A res_pjsip reload
 * answers success even when Asterisk rejected the file, so the answer proves nothing: the
 * endpoints and contexts themselves must be there, and the ones acm removed must be gone.
 */
export async function verifyServer(client: AmiClient, expected: ExpectedState, removedEndpoints: string[]): Promise<string[]> {
  const problems: string[] = [];
  const items = await client.listAction('PJSIPShowEndpoints', {}, { emptyOnError: ['No endpoints found'] });
  const have = new Set(items.items.map((i) => i.get('ObjectName')).filter((x): x is string => !!x));
  const missing = expected.endpoints.filter((e) => !have.has(e));
  if (missing.length) problems.push(`${missing.length} endpoint(s) not loaded: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  const stale = removedEndpoints.filter((e) => have.has(e));
  if (stale.length) problems.push(`${stale.length} removed endpoint(s) still loaded: ${stale.slice(0, 10).join(', ')}`);
  for (const ctx of expected.contexts) {
    // Asterisk may answer a failing CLI command with Response: Error; the text is what counts.
    const out = await client.command(`dialplan show ${ctx}`).catch((err: Error) => [err.message]);
    if (out.some((l) => l.includes(`There is no existence of '${ctx}' context`))) problems.push(`dialplan context ${ctx} not loaded`);
  }
  return problems;
}
