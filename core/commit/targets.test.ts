import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeployFile, DeployTargetDeclaration } from '../../sdk/commit.ts';
import { PluginError } from '../../sdk/errors.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import { ConfigFileRegistry } from './files.ts';
import { sha256 } from './render/index.ts';
import { DeployTargetRegistry, masked, MASK, pathProblem } from './targets.ts';

const view = tpa1();
const [s1, s2] = view.servers.map((s) => s.id) as [number, number];
const target = (files: DeployFile[] | (() => unknown), over: Partial<DeployTargetDeclaration> = {}): DeployTargetDeclaration => ({
  name: 'fax', render: (typeof files === 'function' ? files : () => files) as DeployTargetDeclaration['render'], reload: async () => {}, ...over,
});
const rendered = (files: DeployFile[] | (() => unknown)) => {
  const r = new DeployTargetRegistry();
  r.declare('faxd', target(files));
  return r.render(view);
};

describe('deploy targets', () => {
  it('refuses a declaration without a plain name, a render or a reload, or declared twice', () => {
    const r = new DeployTargetRegistry();
    const refused = (d: unknown) => { try { r.declare('faxd', d as DeployTargetDeclaration); return ''; } catch (e) { expect(e).toBeInstanceOf(PluginError); return (e as Error).message; } };
    expect(refused(target([], { name: 'Fax Files' }))).toBe('plugin "faxd": deploy target "Fax Files" must be named with a-z, 0-9, _ and - (at most 40)');
    expect(refused(target([], { reload: undefined as never }))).toMatch(/"fax" needs a reload function$/);
    expect(refused({ name: 'fax', reload: async () => {} })).toMatch(/"fax" needs a render function$/);
    expect(refused(target([], { verify: 'yes' as never }))).toMatch(/verify: must be a function$/);
    expect(refused(target([]))).toBe('');
    expect(refused(target([]))).toBe('plugin "faxd": deploy target "fax" is declared already');
    expect(r.keys()).toEqual(['faxd.fax']);
    expect(refused(target([], { name: 'keys', prune: 'yes' as never }))).toMatch(/"keys" prune: must be true or false$/);
  });

  it('prunes only a target that asks for it, and only while its plugin runs', () => {
    const r = new DeployTargetRegistry();
    r.declare('faxd', target([]));
    r.declare('keys', target([], { name: 'keys', prune: true }));
    expect([r.prunes('faxd.fax'), r.prunes('keys.keys')]).toEqual([false, true]);
    r.forget('keys');
    expect(r.prunes('keys.keys')).toBe(false);
  });

  it('checks every path: absolute, normalised, no . or ..', () => {
    expect(pathProblem('/etc/hylafax/config')).toBeUndefined();
    expect(pathProblem('etc/hylafax/config')).toBe('must be an absolute path');
    expect(pathProblem('/etc/../root/.ssh/authorized_keys')).toBe('must not contain . or ..');
    expect(pathProblem('/etc/./x')).toBe('must not contain . or ..');
    expect(pathProblem('/etc//x')).toMatch(/normalised/);
    expect(pathProblem('/etc/x/')).toMatch(/normalised/);
    expect(pathProblem("/etc/x'; rm -rf /")).toMatch(/normalised/);
  });

  it('renders each server\'s files under their own name, secrets masked in what is shown only', async () => {
    const files = await rendered([
      { serverId: s2, path: '/etc/faxd/faxd.json', content: '{"pw":"s3cret","pw2":"s3cret-long"}\n', secrets: ['s3cret', 's3cret-long'] },
      { serverId: s1, path: '/etc/faxd/faxd.json', content: '{}\n' },
    ]);
    expect(files).toEqual([
      { name: `server/${s1}/etc/faxd/faxd.json`, content: '{}\n', reload: 'faxd.fax', sha256: sha256('{}\n'), deploy: { target: 'faxd.fax', serverId: s1, path: '/etc/faxd/faxd.json' } },
      {
        name: `server/${s2}/etc/faxd/faxd.json`, content: '{"pw":"s3cret","pw2":"s3cret-long"}\n', reload: 'faxd.fax', sha256: sha256('{"pw":"s3cret","pw2":"s3cret-long"}\n'),
        deploy: { target: 'faxd.fax', serverId: s2, path: '/etc/faxd/faxd.json' }, shown: `{"pw":"${MASK}","pw2":"${MASK}"}\n`,
      },
    ]);
    expect(masked('a x b', ['x'])).toBe(`a ${MASK} b`);
  });

  it('refuses what a render must not give: a bad path, another cluster\'s server, one path twice on a server, NUL, bad secrets', async () => {
    const refused = (files: unknown) => rendered(() => files).then(() => '', (e: Error) => e.message);
    expect(await refused([{ serverId: s1, path: '/etc/../shadow', content: '' }])).toBe('deploy target faxd.fax (path): "/etc/../shadow" must not contain . or ..');
    expect(await refused([{ serverId: 999, path: '/etc/x', content: '' }])).toBe(`deploy target faxd.fax (/etc/x) (serverId): 999 is not a server of cluster ${view.cluster.name}`);
    expect(await refused([{ serverId: s1, path: '/etc/x', content: 'a' }, { serverId: s1, path: '/etc/x', content: 'b' }])).toBe(`deploy target faxd.fax (/etc/x) (path): is rendered twice for server ${s1} (also by faxd.fax)`);
    expect(await refused([{ serverId: s1, path: '/etc/x', content: 'a\0b' }])).toMatch(/\(content\): must be text without NUL characters, or bytes \(a Uint8Array\)$/);
    expect(await refused([{ serverId: s1, path: '/etc/x', content: 7 }])).toMatch(/\(content\): must be text without NUL characters/);
    expect(await refused([{ serverId: s1, path: '/etc/x.wav', content: new Uint8Array([1, 2]), secrets: ['x'] }]))
      .toBe('deploy target faxd.fax (/etc/x.wav) (secrets): not allowed on a binary file (only text files can have their secrets masked)');
    expect(await refused([{ serverId: s1, path: '/etc/x', content: 'a', secrets: [''] }])).toMatch(/\(secrets\): must be a list of non-empty strings$/);
    expect(await refused({})).toBe('deploy target faxd.fax: render returned no list of files');
    expect(await rendered(() => { throw new Error('no fax lines'); }).catch((e: Error) => e.message)).toBe('deploy target faxd.fax: rendering failed: no fax lines');
  });

  it('takes bytes as a binary file: hashed as bytes, copied, shown as size and hash only', async () => {
    const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0xff, 0x0a, 0x00]);
    const [f] = await rendered([{ serverId: s1, path: '/var/lib/asterisk/sounds/acm/x.wav', content: bytes }]);
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(f).toEqual({
      name: `server/${s1}/var/lib/asterisk/sounds/acm/x.wav`, content: Buffer.from(bytes), binary: true, reload: 'faxd.fax', sha256: hex,
      deploy: { target: 'faxd.fax', serverId: s1, path: '/var/lib/asterisk/sounds/acm/x.wav' }, shown: `binary file, 8 bytes, sha256 ${hex}\n`,
    });
    // The plugin changing its array afterwards changes nothing rendered.
    bytes[0] = 0;
    expect((f!.content as Buffer)[0]).toBe(0x52);
    expect(sha256(Buffer.from('abc'))).toBe(sha256('abc'));
  });

  it('one path on one server belongs to one target, whichever plugin declares the other', async () => {
    const r = new DeployTargetRegistry();
    r.declare('faxd', target([{ serverId: s1, path: '/etc/x', content: '' }]));
    r.declare('prov', target([{ serverId: s1, path: '/etc/x', content: '' }], { name: 'phones' }));
    await expect(r.render(view)).rejects.toThrow(`deploy target prov.phones (/etc/x) (path): is rendered twice for server ${s1} (also by faxd.fax)`);
  });

  it('names the server and the target when a reload or a check fails, or the target is gone', async () => {
    const r = new DeployTargetRegistry();
    const server = view.servers[0]!;
    r.declare('faxd', target([], { reload: () => { throw new Error('hylafax not installed'); }, verify: async () => { throw new Error('no answer'); } }));
    r.declare('faxd', target([], { name: 'checked', verify: async (_s, files) => files.map((f) => ({ object: f.path, message: 'is not loaded' })) }));
    await expect(r.reload('faxd.fax', server, [])).rejects.toThrow(`${server.name}: faxd.fax: reload failed: hylafax not installed`);
    expect(await r.verify('faxd.fax', server, [])).toEqual([`${server.name}: faxd.fax: cannot verify: no answer`]);
    expect(await r.verify('faxd.checked', server, [{ path: '/etc/x', sha256: 'ab' }])).toEqual([`${server.name}: faxd.checked: /etc/x is not loaded`]);
    expect(await r.verify('gone.fax', server, [])).toEqual([`${server.name}: gone.fax: no such deploy target (its plugin is not running)`]);
    await expect(r.reload('gone.fax', server, [])).rejects.toThrow(`${server.name}: gone.fax: no such deploy target (its plugin is not running)`);
  });

  it('are forgotten with their plugin', async () => {
    const files = new ConfigFileRegistry();
    files.targets.declare('faxd', target([{ serverId: s1, path: '/etc/x', content: '' }]));
    expect(await files.targets.render(view)).toHaveLength(1);
    files.forget('faxd');
    expect(files.targets.keys()).toEqual([]);
    expect(await files.targets.render(view)).toEqual([]);
  });
});
