import { describe, expect, it } from 'vitest';
import { busSubject, parseSubject, subjectMatches, subjectProblem } from '../sdk/bus.ts';
import { BROWSER_PATTERNS, commitProgressSubject, liveSubject, MODEL_CHANGED_SUBJECT, serverStatusSubject } from '../core/bus/subjects.ts';
import { BACKUP_SUBJECT } from '../core/backup/backup.ts';
import { BATCH_PROGRESS_SUBJECT } from '../core/batch/batch.ts';
import { serverSubject } from '../core/asterisk/connections.ts';

describe('bus subjects', () => {
  it('builds acm.<tenant>.<cluster>.<server>.<source>.<event>, 0 where not tied to one', () => {
    expect(busSubject({ tenantId: 7, clusterId: 3, serverId: 5 }, 'ha', 'state')).toBe('acm.7.3.5.ha.state');
    expect(busSubject({ tenantId: 7, clusterId: null }, 'security', 'notify')).toBe('acm.7.0.0.security.notify');
    expect(() => busSubject({}, 'ha', 'state.changed')).toThrow('bus subject "acm.0.0.0.ha.state.changed" does not follow');
  });

  it('names what is wrong with a subject', () => {
    expect(subjectProblem('acm.1.2.3.ami.Newchannel')).toBeNull();
    for (const bad of ['acm.live.extension', 'acm.commit.1', 'acm.x.2.3.ha.state', 'acm.1.2.3.ha.*', 'nats.1.2.3.ha.state', 'acm.01.2.3.ha.state']) {
      expect(subjectProblem(bad), bad).toBe('does not follow acm.<tenant>.<cluster>.<server>.<source>.<event>');
    }
    expect(subjectProblem('acm.1.2.3.ha.state', 'security')).toBe('is not under its own source "security"');
    expect(parseSubject('acm.7.3.5.ha.state')).toEqual({ tenantId: 7, clusterId: 3, serverId: 5, source: 'ha', event: 'state' });
    expect(parseSubject('acm.live.extension')).toBeNull();
  });

  it('every subject the core publishes follows the scheme and reaches the browser patterns', () => {
    const place = { tenantId: 2, clusterId: 4, serverId: 9 };
    const core = [
      MODEL_CHANGED_SUBJECT, BACKUP_SUBJECT, BATCH_PROGRESS_SUBJECT, `${serverSubject({ tenantId: 2, clusterId: 4, id: 9 })}.ami.Newchannel`,
      liveSubject(place, 'extension'), liveSubject(place, 'trunk'), serverStatusSubject(place), commitProgressSubject(place),
    ];
    for (const s of core) expect(subjectProblem(s), s).toBeNull();
    expect(subjectMatches(BROWSER_PATTERNS.live, liveSubject(place, 'extension'))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.live, liveSubject(place, 'trunk'))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.server, serverStatusSubject(place))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.commit, commitProgressSubject(place))).toBe(true);
    // AMI traffic is not forwarded as such.
    expect(Object.values(BROWSER_PATTERNS).some((p) => subjectMatches(p, 'acm.2.4.9.ami.Newchannel'))).toBe(false);
  });
});
