import { describe, expect, it } from 'vitest';
import { sipProbeHost } from '../nodeconfig.ts';

describe('node.json SIP health check address', () => {
  it('probes the cluster bind address, or loopback when Asterisk binds every address', () => {
    expect(sipProbeHost(null)).toBe('127.0.0.1');
    expect(sipProbeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(sipProbeHost('::')).toBe('::1');
    // A transport bound to one address does not answer on 127.0.0.1.
    expect(sipProbeHost('10.20.0.5')).toBe('10.20.0.5');
    expect(sipProbeHost('2001:db8::5')).toBe('2001:db8::5');
  });
});
