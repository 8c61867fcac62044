import { describe, expect, it } from 'vitest';
import type { ConfigFileDeclaration, ModuleVerifier } from '../../sdk/commit.ts';
import { PluginError } from '../../sdk/errors.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import { ConfigFileRegistry } from './files.ts';
import { renderCluster, renderIncludeStubs } from './render/index.ts';
import { markerName } from './render/markers.ts';
import { CORE_VERIFIERS } from './verify/index.ts';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';

const CORE_NAMES = ['acm/acl.acm.conf', 'acm/extensions.acm.conf', 'acm/musiconhold.acm.conf', 'acm/pjsip.acm.conf', 'acm/res_parking.acm.conf', 'acm/voicemail.acm.conf'];
const queueVerifier: ModuleVerifier = { verify: async () => [] };
const queues = (over: Partial<ConfigFileDeclaration> = {}): ConfigFileDeclaration => ({
  name: 'acm/queues.conf', reload: 'app_queue.so', includeFrom: 'queues.conf', render: () => '', verify: queueVerifier, ...over,
});
const MARKER = '; revision marker: acm checks after each reload that Asterisk loaded this file';

describe('the config file registry', () => {
  it('holds the six core files, each verified by the core, and renders them as renderCluster does', async () => {
    const files = new ConfigFileRegistry();
    expect(files.list()).toEqual([
      { name: 'acm/acl.acm.conf', reload: 'acl', includeFrom: 'acl.conf', owner: 'core', renderedBy: 'core', verifiedBy: 'core' },
      expect.objectContaining({ name: 'acm/extensions.acm.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf', owner: 'core', verifiedBy: 'core', note: expect.stringContaining('contexts internal') }),
      { name: 'acm/musiconhold.acm.conf', reload: 'res_musiconhold.so', includeFrom: 'musiconhold.conf', owner: 'core', renderedBy: 'core', verifiedBy: 'core' },
      expect.objectContaining({ name: 'acm/pjsip.acm.conf', reload: 'res_pjsip.so', includeFrom: 'pjsip.conf', owner: 'core' }),
      { name: 'acm/res_parking.acm.conf', reload: 'res_parking.so', includeFrom: 'res_parking.conf', owner: 'core', renderedBy: 'core', verifiedBy: 'core' },
      expect.objectContaining({ name: 'acm/voicemail.acm.conf', reload: 'app_voicemail.so', includeFrom: 'voicemail.conf', owner: 'core' }),
    ]);
    expect(files.verifiers()).toEqual(new Map(Object.entries(CORE_VERIFIERS)));
    expect(await files.render(tpa1())).toEqual(renderCluster(tpa1()));
    // With the registry's own entries the stubs are the core's, line for line.
    expect(renderIncludeStubs(files.list())).toEqual(renderIncludeStubs());
  });

  it('lists, renders and includes a plugin file next to the core files, empty when the plugin has nothing', async () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    files.declare('queues', queues({ name: 'acm/extensions-queues.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf', verify: undefined, render: () => '[queues]\nexten => 600,1,Queue(sales)\n' }));
    expect(files.list().filter((f) => f.owner === 'queues')).toEqual([
      { name: 'acm/extensions-queues.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf', owner: 'queues', renderedBy: 'queues', verifiedBy: 'core' },
      { name: 'acm/queues.conf', reload: 'app_queue.so', includeFrom: 'queues.conf', owner: 'queues', renderedBy: 'queues', verifiedBy: 'queues' },
    ]);
    expect(files.verifiers().get('app_queue.so')).toBe(queueVerifier);

    const rendered = await files.render(tpa1());
    expect(rendered.map((f) => f.name)).toEqual([...CORE_NAMES, 'acm/extensions-queues.conf', 'acm/queues.conf'].sort());
    // Rendered although empty: the site's queues.conf includes it either way (marker only).
    expect(rendered.find((f) => f.name === 'acm/queues.conf')!.content).toBe(`${MARKER}\n[${markerName('')}]\n`);
    const dialplan = '[queues]\nexten => 600,1,Queue(sales)\n';
    expect(rendered.find((f) => f.name === 'acm/extensions-queues.conf')!.content).toBe(`${dialplan}\n${MARKER}\n[${markerName(dialplan)}]\nexten => s,1,Hangup()\n`);

    const stubs = renderIncludeStubs(files.list());
    expect(stubs.map((s) => s.file)).toEqual(['acl.conf', 'extensions.conf', 'musiconhold.conf', 'pjsip.conf', 'queues.conf', 'res_parking.conf', 'voicemail.conf']);
    expect(stubs.find((s) => s.file === 'extensions.conf')!.content.match(/^#tryinclude .*$/gm)).toEqual(['#tryinclude acm/extensions.acm.conf', '#tryinclude acm/extensions-queues.conf']);
    expect(stubs.find((s) => s.file === 'queues.conf')!.content).toBe(
      '; --- add at the end of queues.conf (acm renders acm/queues.conf for plugin queues; reload: app_queue.so) ---\n#tryinclude acm/queues.conf\n');
  });

  it('gives renderers the frozen view without server credentials', async () => {
    const files = new ConfigFileRegistry();
    let seen: unknown;
    files.declare('queues', queues({ render: (view) => { seen = view; return ''; } }));
    await files.render(tpa1());
    const view = seen as ReturnType<typeof tpa1>;
    expect(Object.isFrozen(view.extensions)).toBe(true);
    expect(view.servers[0]).not.toHaveProperty('amiSecret');
    expect(JSON.stringify(view.servers)).not.toMatch(/secret/);
  });

  it('refuses bad declarations, naming the plugin and the file', () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    const refused = (d: Partial<ConfigFileDeclaration>, why: RegExp, plugin = 'other') => {
      expect(() => files.declare(plugin, queues({ name: 'acm/other.conf', verify: undefined, ...d })), why.source).toThrow(PluginError);
      expect(() => files.declare(plugin, queues({ name: 'acm/other.conf', verify: undefined, ...d })), why.source).toThrow(why);
    };
    refused({ name: 'confbridge.conf' }, /^plugin "other": config file "confbridge.conf" must be named acm\/<plain file name>\.conf$/);
    refused({ name: 'acm/../pjsip.conf' }, /must be named acm\//);
    refused({ name: 'acm/.hidden.conf' }, /must be named acm\//);
    refused({ name: 'acm/sub/x.conf' }, /must be named acm\//);
    refused({ name: 'acm/pjsip.acm.conf' }, /^plugin "other": config file "acm\/pjsip\.acm\.conf" is declared already, by the core$/);
    refused({ name: 'acm/queues.conf' }, /is declared already, by plugin "queues"$/);
    refused({ reload: 'app queue' }, /reload: "app queue" is not a module name/);
    refused({ includeFrom: '../queues.conf' }, /includeFrom: "\.\.\/queues\.conf" is not a main config file name/);
    refused({ render: undefined }, /needs a render function/);
    refused({ note: 'two\nlines' }, /note: must be one line/);
    // One proof per module: a plugin cannot stand in for the core's verifier, or another plugin's.
    refused({ reload: 'pbx_config.so', verify: queueVerifier }, /verify: pbx_config\.so is verified already, by the core; leave verify out/);
    refused({ reload: 'app_queue.so', verify: { verify: async () => [] } }, /verify: app_queue\.so is verified already, by plugin "queues"/);
    expect(files.list().map((f) => f.name)).not.toContain('acm/other.conf');
  });

  it('refuses what a renderer returns when it is not plain config text, whoever renders it', async () => {
    for (const [text, why] of [
      ['[a]\n#exec /bin/sh\n', /file acm\/queues\.conf \(content\): line 2: #include\/#exec/],
      ['[a]\r\n', /NUL or CR/],
      ['[acm-mark-0123456789ab]\n', /revision markers/],
    ] as const) {
      const files = new ConfigFileRegistry();
      files.declare('queues', queues({ render: () => text }));
      await expect(files.render(tpa1())).rejects.toThrow(why);
    }
    const files = new ConfigFileRegistry();
    files.declare('queues', queues({ render: () => { throw new Error('queue 600 has no members'); } }));
    await expect(files.render(tpa1())).rejects.toThrow('file acm/queues.conf: the renderer of plugin "queues" failed: queue 600 has no members');
    const silent = new ConfigFileRegistry();
    silent.declare('queues', queues({ render: () => undefined as unknown as string }));
    await expect(silent.render(tpa1())).rejects.toThrow('file acm/queues.conf: the renderer of plugin "queues" returned no text');
  });

  it('forgets what a plugin declared', async () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    files.forget('queues');
    expect(files.list().map((f) => f.name)).toEqual(CORE_NAMES);
    expect(files.verifiers().has('app_queue.so')).toBe(false);
    files.declare('queues', queues());
    expect((await files.render(tpa1())).map((f) => f.name)).toContain('acm/queues.conf');
  });
});

describe('a site module replacing one renderer', () => {
  const moh = '; the site\'s own music on hold\n[site-moh]\nmode = files\ndirectory = /var/lib/moh/site\n';

  it('changes that file only, keeps its module, include and verifier, and is undone when the module goes', async () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    const before = await files.render(tpa1());
    files.replaceRenderer('site-moh', [], 'acm/musiconhold.acm.conf', () => moh);
    expect(files.list().find((f) => f.name === 'acm/musiconhold.acm.conf')).toEqual(
      { name: 'acm/musiconhold.acm.conf', reload: 'res_musiconhold.so', includeFrom: 'musiconhold.conf', owner: 'core', renderedBy: 'site-moh', verifiedBy: 'core' });
    expect(files.verifiers().get('res_musiconhold.so')).toBe(CORE_VERIFIERS['res_musiconhold.so']);
    expect(files.renderedByCore('acm/musiconhold.acm.conf')).toBe(false);
    // A commit's cached core files are not reused for a replaced one.
    const after = await files.render(tpa1(), new Map(before.map((f) => [f.name, f])));
    const changed = after.filter((f) => before.find((b) => b.name === f.name)!.sha256 !== f.sha256);
    // res_musiconhold.so gets no marker: the file is the module's text as it is.
    expect(changed).toEqual([{ name: 'acm/musiconhold.acm.conf', content: moh, reload: 'res_musiconhold.so', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    files.forget('site-moh');
    expect(await files.render(tpa1())).toEqual(before);
    expect(files.list().find((f) => f.name === 'acm/musiconhold.acm.conf')!.renderedBy).toBe('core');
  });

  it('replaces a plugin file for a module that requires the plugin', async () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    files.replaceRenderer('site-queues', ['queues'], 'acm/queues.conf', () => '[sales]\nstrategy = ringall\n');
    expect((await files.render(tpa1())).find((f) => f.name === 'acm/queues.conf')!.content).toMatch(/^\[sales\]\nstrategy = ringall\n/);
  });

  it('is refused for an unknown file, a second replacement, and a plugin file the module does not require', () => {
    const files = new ConfigFileRegistry();
    files.declare('queues', queues());
    expect(() => files.replaceRenderer('site-moh', [], 'acm/moh.conf', () => moh)).toThrow(
      `site module "site-moh": cannot replace the renderer of "acm/moh.conf": no such file is declared (declared: ${[...CORE_NAMES, 'acm/queues.conf'].sort().join(', ')})`);
    files.replaceRenderer('site-moh', [], 'acm/musiconhold.acm.conf', () => moh);
    expect(() => files.replaceRenderer('other-moh', [], 'acm/musiconhold.acm.conf', () => '')).toThrow(
      'site module "other-moh": cannot replace the renderer of "acm/musiconhold.acm.conf": it is replaced already, by site module "site-moh"');
    expect(() => files.replaceRenderer('site-queues', [], 'acm/queues.conf', () => '')).toThrow(
      'site module "site-queues": cannot replace the renderer of "acm/queues.conf": it belongs to plugin "queues", which the module does not require');
    expect(files.list().find((f) => f.name === 'acm/queues.conf')!.renderedBy).toBe('queues');
  });
});

describe('extension dial hooks', () => {
  const dialplanOf = async (files: ConfigFileRegistry) => (await files.render(tpa1())).find((f) => f.name === 'acm/extensions.acm.conf')!.content;

  it('run their steps before the core rings an extension, which rings ${ACM_DIAL}, and a call dials what a step set', async () => {
    const files = new ConfigFileRegistry();
    const plain = await dialplanOf(files);
    expect(plain).toContain('exten => 6101,1,Dial(PJSIP/6101,20)');
    expect(files.renderedByCore('acm/extensions.acm.conf')).toBe(true);
    files.useDialHooks(() => new Map([
      ['b.second', { steps: () => new Map([[12, ['ExecIf($["${ACM_X}" != ""]?Set(ACM_DIAL=PJSIP/${ACM_X}))']]]) }],
      ['a.first', { steps: async () => new Map([[12, ['Set(ACM_DIAL=${ACM_DIAL}&PJSIP/5811)']]]) }],
    ]));
    // Its text depends on the plugins now: never reused from a render of the snapshot alone.
    expect(files.renderedByCore('acm/extensions.acm.conf')).toBe(false);
    const text = await dialplanOf(files);
    expect(text).toContain([
      'exten => 6101,1,Set(ACM_DIAL=PJSIP/6101)',
      ' same => n,Set(ACM_DIAL=${ACM_DIAL}&PJSIP/5811)',
      ' same => n,ExecIf($["${ACM_X}" != ""]?Set(ACM_DIAL=PJSIP/${ACM_X}))',
      ' same => n,Dial(${ACM_DIAL},20)',
      ' same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?busy)',
    ].join('\n'));
    // Other extensions ring as before.
    expect(text).toContain('exten => 6201,1,Dial(PJSIP/6201,20)');

    const sim = new SimulatedAsterisk();
    await sim.start({ sshPort: -1, configFiles: { 'extensions.conf': '#include acm/extensions.acm.conf\n', 'acm/extensions.acm.conf': text, 'pjsip.conf': '[6102]\ntype = endpoint\ncontext = internal\n' } });
    try {
      const t = sim.call({ from: { endpoint: '6102' }, exten: '6101' });
      t.hangup();
      expect(t.steps.find((st) => st.app === 'Dial')?.args).toEqual(['PJSIP/6101&PJSIP/5811', '20']);
    } finally {
      await sim.stop();
    }
  });

  it('run unavailable steps only when the Dial found no device, then the voicemail as before', async () => {
    const files = new ConfigFileRegistry();
    files.useDialHooks(() => new Map([['roaming.other-site', { unavailable: () => new Map([[12, ['Dial(IAX2/acm-b/6101,30)']], [16, ['Dial(IAX2/acm-b/6301,30)']]]) }]]));
    const text = await dialplanOf(files);
    expect(text).toContain([
      'exten => 6101,1,Dial(PJSIP/6101,20)',
      ' same => n,GotoIf($["${DIALSTATUS}" != "CHANUNAVAIL" & "${DIALSTATUS}" != "CONGESTION"]?dialled)',
      ' same => n,Dial(IAX2/acm-b/6101,30)',
      ' same => n(dialled),GotoIf($["${DIALSTATUS}" = "BUSY"]?busy)',
      ' same => n,VoiceMail(6101@default,u)',
    ].join('\n'));
    // No mailbox: the label is on the hang-up.
    expect(text).toContain(' same => n,Dial(IAX2/acm-b/6301,30)\n same => n(dialled),Hangup()\n');

    const sim = new SimulatedAsterisk();
    await sim.start({ sshPort: -1, configFiles: { 'extensions.conf': '#include acm/extensions.acm.conf\n', 'acm/extensions.acm.conf': text, 'pjsip.conf': '[6102]\ntype = endpoint\ncontext = internal\n[6101]\ntype = endpoint\n' } });
    try {
      // 6101 has no contact: the other site is dialled.
      const t = sim.call({ from: { endpoint: '6102' }, exten: '6101' });
      t.hangup();
      expect(t.steps.filter((st) => st.app === 'Dial').map((st) => st.args[0])).toEqual(['PJSIP/6101', 'IAX2/acm-b/6101']);
    } finally {
      await sim.stop();
    }
  });

  it('refuse the commit for a step that is not one application call, and name the hook', async () => {
    for (const step of ['Set(X=1)\nexten => 9,1,Dial(PJSIP/evil)', 'NoOp(a) ; comment', 'n(label),NoOp()', 'Set(X=1);x', 'Goto(6101,1', 'NoOp(a))', 'NoOp((a)']) {
      const files = new ConfigFileRegistry();
      files.useDialHooks(() => new Map([['hotdesk.ring-phone', { steps: () => new Map([[12, [step]]]) }]]));
      await expect(files.render(tpa1()), step).rejects.toThrow(/dial step of hotdesk\.ring-phone is not one application call/);
    }
    const files = new ConfigFileRegistry();
    files.useDialHooks(() => new Map([['x.broken', { steps: () => { throw new Error('no table'); } }]]));
    await expect(files.render(tpa1())).rejects.toThrow('the dial hook x.broken failed: no table');
  });
});

describe('extension context hooks', () => {
  const pjsipOf = async (files: ConfigFileRegistry) => (await files.render(tpa1())).find((f) => f.name === 'acm/pjsip.acm.conf')!.content;
  const endpoint = (text: string, name: string) => text.slice(text.indexOf(`[${name}]`)).split('\n\n')[0]!;

  it('give an extension\'s endpoint the context a plugin names instead of the core\'s; other endpoints keep theirs', async () => {
    const files = new ConfigFileRegistry();
    const plain = await pjsipOf(files);
    expect(files.renderedByCore('acm/pjsip.acm.conf')).toBe(true);
    files.useContextHooks(() => new Map([['hotdesk.phones', { contexts: async () => new Map([[12, 'hotdesk-6101']]) }]]));
    expect(files.renderedByCore('acm/pjsip.acm.conf')).toBe(false);
    const text = await pjsipOf(files);
    expect(endpoint(text, '6101')).toContain('context = hotdesk-6101');
    expect(endpoint(plain, '6101')).not.toContain('hotdesk');
    expect(endpoint(text, '6201')).toBe(endpoint(plain, '6201'));
  });

  it('refuse the commit for a context that is not a plain name, two hooks on one extension, or a hook that throws, naming the hook', async () => {
    for (const bad of ['hotdesk\n[evil]', 'a;b', 'x,y', '', 'a)']) {
      const files = new ConfigFileRegistry();
      files.useContextHooks(() => new Map([['hotdesk.phones', { contexts: () => new Map([[12, bad]]) }]]));
      await expect(files.render(tpa1()), bad).rejects.toThrow(/context hook hotdesk\.phones gave extension 12 no plain context name/);
    }
    const twice = new ConfigFileRegistry();
    twice.useContextHooks(() => new Map([['a.one', { contexts: () => new Map([[12, 'one']]) }], ['b.two', { contexts: () => new Map([[12, 'two']]) }]]));
    await expect(twice.render(tpa1())).rejects.toThrow('the context hooks a.one and b.two both give extension 12 a context');
    const broken = new ConfigFileRegistry();
    broken.useContextHooks(() => new Map([['x.broken', { contexts: () => { throw new Error('no table'); } }]]));
    await expect(broken.render(tpa1())).rejects.toThrow('the context hook x.broken failed: no table');
  });
});
