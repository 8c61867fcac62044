import { describe, expect, it } from 'vitest';
import { SecuritySettings } from './manifest.ts';

describe('security settings in site.yaml', () => {
  it('tells a site.yaml that still lists routing.targets where the notification targets went', () => {
    const old = SecuritySettings.safeParse({ routing: { notifyLevel: 7, targets: [{ type: 'email', target: 'noc@example.com' }] } });
    expect(old.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['routing.targets', 'notification targets are a resource now: add them with `acm security targets add` or POST /api/plugins/security/targets, then remove routing.targets'],
    ]);
    expect(SecuritySettings.parse({ routing: { notifyLevel: 8 } }).routing).toEqual({ nocLevel: 5, notifyLevel: 8, dedupSeconds: 300 });
  });
});
