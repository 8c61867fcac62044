/**
 * The posture parsers against the real tools from Debian: a fail2ban-server with its own
 * socket/pid/db over a test log, and iptables inside a throw-away network namespace.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blacklistCommand, blacklistOf, parseFail2banJail, parseFail2banStatus, parseIptablesList, parseIptablesRules, validateBlacklistAddress } from './posture.ts';
import { parsePosture } from './posture-script.ts';

const has = (bin: string) => { try { execFileSync('which', [bin], { stdio: 'ignore' }); return true; } catch { return false; } };
const isRoot = process.getuid?.() === 0;

function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A line as res_security_log writes it (what the Debian asterisk filter's SecurityEvent regex reads). */
function securityLine(event: string, ip: string, port: number): string {
  const now = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ts = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds(), 3)}`;
  return `[${ts}] SECURITY[19079] res_security_log.c: SecurityEvent="${event}",EventTV="2026-11-23T06:44:04.616+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="6102",SessionID="acm-${port}@127.0.0.1",LocalAddress="IPV4/UDP/127.0.0.1/5060",RemoteAddress="IPV4/UDP/${ip}/${port}",Challenge="1/2",Response="00",ExpectedResponse=""\n`;
}

describe.skipIf(!has('fail2ban-client') || !existsSync('/etc/fail2ban/filter.d/asterisk.conf'))('fail2ban (real fail2ban-server)', () => {
  let dir = '';
  let sock = '';
  const client = (...args: string[]) => run('fail2ban-client', ['-s', sock, ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'acm-sec-f2b-'));
    sock = join(dir, 'run', 'f2b.sock');
    mkdirSync(join(dir, 'conf', 'filter.d'), { recursive: true });
    mkdirSync(join(dir, 'conf', 'action.d'), { recursive: true });
    mkdirSync(join(dir, 'run'));
    for (const f of ['asterisk.conf', 'common.conf']) copyFileSync(join('/etc/fail2ban/filter.d', f), join(dir, 'conf', 'filter.d', f));
    writeFileSync(join(dir, 'conf', 'fail2ban.conf'), `[Definition]\nloglevel = INFO\nlogtarget = ${dir}/fail2ban.log\nsocket = ${sock}\npidfile = ${dir}/run/f2b.pid\ndbfile = :memory:\n`);
    // No ban action: bans are recorded and listed without touching the host firewall.
    writeFileSync(join(dir, 'conf', 'jail.conf'), `[DEFAULT]\nbackend = polling\naction =\n\n[asterisk]\nenabled = true\nfilter = asterisk\nlogpath = ${dir}/security.log\nmaxretry = 3\nfindtime = 600\nbantime = 600\n\n[asterisk-quiet]\nenabled = true\nfilter = asterisk\nlogpath = ${dir}/quiet.log\nmaxretry = 5\n`);
    writeFileSync(join(dir, 'security.log'), '');
    writeFileSync(join(dir, 'quiet.log'), '');
    const started = await run('fail2ban-client', ['-c', join(dir, 'conf'), '-s', sock, '-p', join(dir, 'run', 'f2b.pid'), 'start'], 20_000);
    expect(started.code, started.stderr + started.stdout).toBe(0);
    await until(async () => (await client('ping')).stdout.includes('pong'), 'fail2ban-server to answer ping');
  }, 40_000);

  afterAll(async () => {
    if (!dir) return;
    await client('stop');
    const pidFile = join(dir, 'run', 'f2b.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) { try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ } }
    }
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('parses `fail2ban-client status` and `status <jail>` after real failures and a ban', async () => {
    const status = await client('status');
    expect(status.code).toBe(0);
    expect(parseFail2banStatus(status.stdout)).toEqual({ jails: ['asterisk', 'asterisk-quiet'] });

    // Two failures from one address (below maxretry), three from another (banned).
    appendFileSync(join(dir, 'security.log'), securityLine('InvalidAccountID', '203.0.113.4', 5074) + securityLine('InvalidPassword', '203.0.113.4', 5074));
    for (let i = 0; i < 3; i++) appendFileSync(join(dir, 'security.log'), securityLine('ChallengeResponseFailed', '198.51.100.7', 5072));

    const jail = await until(async () => {
      const r = await client('status', 'asterisk');
      const j = parseFail2banJail(r.stdout);
      return j.totalFailed >= 5 && j.currentlyBanned === 1 ? j : null;
    }, 'fail2ban to read the log and ban');
    expect(jail).toMatchObject({ name: 'asterisk', totalFailed: 5, currentlyBanned: 1, totalBanned: 1, bannedIps: ['198.51.100.7'], files: [join(dir, 'security.log')] });
    expect(jail.currentlyFailed).toBeGreaterThanOrEqual(1);

    const quiet = parseFail2banJail((await client('status', 'asterisk-quiet')).stdout);
    expect(quiet).toEqual({ name: 'asterisk-quiet', currentlyFailed: 0, totalFailed: 0, files: [join(dir, 'quiet.log')], currentlyBanned: 0, totalBanned: 0, bannedIps: [] });

    // The same outputs through the posture splitter the SSH collector uses.
    const out = `@@acm f2b\n${status.stdout}@@acm f2b-jail\n${(await client('status', 'asterisk')).stdout}@@acm f2b-jail\n${(await client('status', 'asterisk-quiet')).stdout}@@acm end\n`;
    const posture = parsePosture(out, 'BLACKLIST');
    expect(posture.errors).toEqual([]);
    expect(posture.fail2ban?.jails.map((j) => j.name)).toEqual(['asterisk', 'asterisk-quiet']);
    expect(posture.fail2ban?.banned).toBe(1);
  }, 40_000);
});

describe.skipIf(!isRoot || !has('ip') || !has('iptables'))('iptables (real, in a network namespace)', () => {
  const ns = `acm-sec-${randomBytes(4).toString('hex')}`;
  const inNs = (...args: string[]) => run('ip', ['netns', 'exec', ns, ...args]);
  const sh = (cmd: string) => inNs('bash', '-c', cmd);

  beforeAll(async () => {
    const r = await run('ip', ['netns', 'add', ns]);
    expect(r.code, r.stderr).toBe(0);
    await inNs('ip', 'link', 'set', 'lo', 'up');
  });
  afterAll(async () => { await run('ip', ['netns', 'del', ns]); });

  it('parses -L -v -n -x and -S with counters, policies and the BLACKLIST chain; adds and removes an address', async () => {
    for (const cmd of [
      'iptables -w -N BLACKLIST',
      'iptables -w -A INPUT -j BLACKLIST',
      'iptables -w -A INPUT -p udp --dport 5060 -m comment --comment "sip in" -j ACCEPT',
      'iptables -w -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT',
      'iptables -w -A OUTPUT -p udp --dport 9 -j ACCEPT',
      'iptables -w -A OUTPUT -s 10.9.9.9',
      'iptables -w -N f2b-asterisk',
      'iptables -w -A f2b-asterisk -j RETURN',
      'iptables -w -P FORWARD DROP',
    ]) expect((await sh(cmd)).code, cmd).toBe(0);

    const v = validateBlacklistAddress('203.0.113.9');
    const add = await sh(blacklistCommand('add', v.address, v.family, 'BLACKLIST'));
    expect(add.code, add.stderr).toBe(0);
    // Idempotent: a second add does not duplicate the rule.
    expect((await sh(blacklistCommand('add', v.address, v.family, 'BLACKLIST'))).code).toBe(0);
    // Three datagrams through OUTPUT: the counters are real.
    await sh('for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/9; done; true');

    const list = await inNs('iptables', '-w', '-L', '-v', '-n', '-x');
    expect(list.code, list.stderr).toBe(0);
    const chains = parseIptablesList(list.stdout);
    expect(chains.map((c) => c.name)).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'BLACKLIST', 'f2b-asterisk']);
    const byName = Object.fromEntries(chains.map((c) => [c.name, c]));
    expect(byName.FORWARD!.policy).toBe('DROP');
    expect(byName.BLACKLIST!.references).toBe(1);
    expect(byName.INPUT!.rules.map((r) => r.target)).toEqual(['BLACKLIST', 'ACCEPT', 'ACCEPT']);
    expect(byName.INPUT!.rules[1]!.extra).toContain('dpt:5060');
    expect(byName.INPUT!.rules[1]!.extra).toContain('sip in');
    expect(byName.OUTPUT!.rules[0]).toMatchObject({ target: 'ACCEPT', packets: 3 });
    expect(byName.OUTPUT!.rules[0]!.bytes).toBeGreaterThan(0);
    expect(byName.OUTPUT!.rules[1]).toMatchObject({ target: '', source: '10.9.9.9' });
    expect(blacklistOf(chains, 'BLACKLIST')).toEqual([{ address: '203.0.113.9', packets: 0, bytes: 0 }]);

    const spec = await inNs('iptables', '-w', '-S');
    const rules = parseIptablesRules(spec.stdout);
    expect(rules.find((c) => c.name === 'BLACKLIST')!.rules).toMatchObject([{ target: 'DROP', source: '203.0.113.9/32' }]);
    expect(rules.find((c) => c.name === 'FORWARD')!.policy).toBe('DROP');

    // Without -x the same parser reads the abbreviated counters.
    expect(parseIptablesList((await inNs('iptables', '-w', '-L', '-v', '-n')).stdout).length).toBe(5);

    const del = await sh(blacklistCommand('remove', v.address, v.family, 'BLACKLIST'));
    expect(del.code, del.stderr).toBe(0);
    expect(blacklistOf(parseIptablesList((await inNs('iptables', '-w', '-L', '-v', '-n', '-x')).stdout), 'BLACKLIST')).toEqual([]);
  }, 30_000);
});
