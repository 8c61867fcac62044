import { describe, expect, it } from 'vitest';
import { hostPort, notifyTargetProblem } from './notify.ts';

describe('notification targets host[:port]', () => {
  it('takes names, IPv4 and IPv6 (bare or bracketed with a port)', () => {
    expect(hostPort('syslog.example.net', 514)).toEqual({ host: 'syslog.example.net', port: 514 });
    expect(hostPort('udp://10.0.0.5:1514', 514)).toEqual({ host: '10.0.0.5', port: 1514 });
    expect(hostPort('[2001:db8::5]:1162', 162)).toEqual({ host: '2001:db8::5', port: 1162 });
    expect(hostPort('2001:db8::5', 162)).toEqual({ host: '2001:db8::5', port: 162 });
  });

  it('refuses hosts the shared host rule refuses', () => {
    for (const bad of ['-evil', 'evil-.example', 'fe80::1%eth0', '010.0.0.1', 'a..b', 'host:0', 'host:70000']) {
      expect(hostPort(bad, 514), bad).toBeUndefined();
    }
    expect(notifyTargetProblem('syslog', '-evil:514')).toMatch(/host\[:port\]/);
  });
});
