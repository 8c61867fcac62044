import { describe, expect, it } from 'vitest';
import { checkManifest } from '../sdk/manifest.ts';
import { manifest as conference } from '../plugins/conference/manifest.ts';

const page = (menu?: unknown) => ({
  id: 'demo', title: 'Demo', version: '1.0.0', contract: 1, permissions: ['demo.thing:read'],
  ui: [{ path: '/demo', title: 'Demo', element: 'acm-demo-page', module: './ui/demo.js', permission: 'demo.thing:read', ...(menu === undefined ? {} : { menu }) }],
});

describe('a UI page’s place in the menu', () => {
  it('defaults to the Status section, after the core’s pages', () => {
    expect(checkManifest(page(), 'demo').ui[0]!.menu).toEqual({ section: 'Status', order: 500 });
    expect(checkManifest(page({ section: 'System' }), 'demo').ui[0]!.menu).toEqual({ section: 'System', order: 500 });
  });

  it('keeps the section and order it names', () => {
    expect(checkManifest(page({ section: 'Configuration', order: 45 }), 'demo').ui[0]!.menu).toEqual({ section: 'Configuration', order: 45 });
    expect(checkManifest(conference, 'conference').ui[0]!.menu).toEqual({ section: 'Configuration', order: 45 });
  });

  it('refuses a section the shell does not have, a fractional or negative order, and unknown keys', () => {
    expect(() => checkManifest(page({ section: 'Monitoring' }), 'demo')).toThrow(/ui\.0\.menu\.section/);
    expect(() => checkManifest(page({ order: 4.5 }), 'demo')).toThrow(/ui\.0\.menu\.order/);
    expect(() => checkManifest(page({ order: -1 }), 'demo')).toThrow(/ui\.0\.menu\.order/);
    expect(() => checkManifest(page({ section: 'Status', colour: 'red' }), 'demo')).toThrow(/ui\.0\.menu.*colour|colour/);
  });
});
