import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGolden } from '../../../sdk/testing/golden.ts';
import { renderKeepalived, type KeepalivedInput } from '../render.ts';

const GOLDEN = join(import.meta.dirname, 'golden', 'keepalived-lon-ast1.conf');
const input: KeepalivedInput = {
  group: { id: 1, name: 'lon-pair', advertInt: 1, checkInterval: 1, checkFall: 2, checkRise: 2 },
  self: { name: 'lon-ast1', priority: 150, interface: 'eth0', sourceAddress: '192.168.0.216' },
  peers: [{ name: 'lon-ast2', sourceAddress: '192.168.0.215' }],
  vips: [{ kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 51 }, { kind: 'web', address: '192.168.0.219', prefix: 24, interface: 'eth1', virtualRouterId: 52 }],
  agent: '/usr/local/bin/acm-ha', agentConfig: '/etc/acm-ha/node.json',
};
const hasKeepalived = existsSync('/usr/sbin/keepalived');
const dir = `/run/acmha-render-${process.pid}`;
const ns = `acmha-rt-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  spawnSync('ip', ['netns', 'del', ns]);
});

describe('keepalived.conf renderer', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 rewrites)', () => {
    const text = renderKeepalived(input);
    expectGolden(GOLDEN, text);
    expect(text).toContain('    state BACKUP\n    nopreempt\n');
    expect(text).not.toContain('authentication');
    expect(text).not.toContain('state MASTER');
  });

  it('refuses unsafe or invalid values', () => {
    expect(() => renderKeepalived({ ...input, self: { ...input.self, interface: 'eth0\n}' } })).toThrow(/interface/);
    expect(() => renderKeepalived({ ...input, vips: [{ ...input.vips[0]!, address: '10.0.0.1; rm -rf /' }] })).toThrow(/address/);
    expect(() => renderKeepalived({ ...input, agent: '/bin/sh -c "x"' })).toThrow(/agent/);
    expect(() => renderKeepalived({ ...input, self: { ...input.self, priority: 255 } })).toThrow(/priority/);
    expect(() => renderKeepalived({ ...input, peers: [] })).toThrow(/peer/);
  });

  it.runIf(hasKeepalived)('passes `keepalived --config-test`; a broken file does not', () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const agent = join(dir, 'acm-ha');
    writeFileSync(agent, '#!/bin/sh\nexit 0\n');
    chmodSync(agent, 0o755);
    const conf = join(dir, 'keepalived.conf');
    // keepalived checks that the interfaces exist: test in a namespace of our own with eth0/eth1 (veth pairs).
    execFileSync('ip', ['netns', 'add', ns]);
    for (const dev of ['eth0', 'eth1']) execFileSync('ip', ['-n', ns, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`]);
    const local: KeepalivedInput = { ...input, agent };
    writeFileSync(conf, renderKeepalived(local));
    const test = () => spawnSync('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', '--config-test', '-f', conf], { encoding: 'utf8', timeout: 10_000 });
    const ok = test();
    expect(ok.stderr.trim()).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(conf, renderKeepalived(local).replace('state BACKUP', 'state MASTER'));
    const bad = test();
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/nopreempt will not work with initial state MASTER/);
  });
});
