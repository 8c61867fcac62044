import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT_DIR } from '../../core/app.ts';
import { SessionSchema } from '../../core/model/entities.ts';
import { TEST_ADMIN_PASSWORD } from '../../sdk/testing/kernel.ts';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The web app end to end in headless Chromium against a real server with the demo enterprise
 * (SQLite, simulated Asterisk servers, live calls). One browser for the file; waits are bounded.
 */
let h: UiHarness;
let page: Page;
const SHOTS = process.env.ACM_SCREENSHOTS ?? '/tmp';

beforeAll(async () => {
  h = await startUi({ demo: true });
  page = await h.newPage();
}, 60_000);
afterAll(async () => { await h?.stop(); });

/** expect.poll with a bounded wait long enough for a loaded CI machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });
/** The same bounded wait outside a test (in beforeAll), where expect.poll is not allowed. */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const rowsText = (p: Page) => p.locator('acm-table tbody tr').allInnerTexts();
const firstColumn = async (p: Page) => (await p.locator('acm-table tbody tr td:first-child').allInnerTexts()).map((t) => t.trim());

describe('serving the web app', () => {
  it('sends the shell with a strict CSP and serves only what it should', async () => {
    const res = await fetch(h.url + '/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<script type="importmap">');
    expect(html).not.toMatch(/<script>(?!\s*$)/);
    expect((await fetch(h.url + '/vendor/lit/index.js')).status).toBe(200);
    expect((await fetch(h.url + '/vendor/@lit/reactive-element/reactive-element.js')).status).toBe(200);
    expect((await fetch(h.url + '/ui/app.js')).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(h.url + '/plugins/status/ui/status-home.js')).status).toBe(200);
    for (const bad of ['/vendor/lit/package.json', '/vendor/lit/%2e%2e/%2e%2e/package.json', '/vendor/lit/..%2f..%2fpackage.json',
      '/ui/..%2fhttp%2fui.ts', '/vendor/zod/index.js', '/plugins/status/manifest.ts', '/plugins/status/ui/%2e%2e/index.ts', '/plugins/nope/ui/x.js']) {
      expect((await fetch(h.url + bad)).status, bad).toBe(404);
    }
    expect((await fetch(h.url + '/api/nothing')).headers.get('content-type')).toContain('problem+json');
  });
});

describe('the web app', () => {
  it('refuses a bad login with a generic message, then logs in and shows the navigation', async () => {
    await page.goto(h.url + '/');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.locator('.login-error').innerText()).toBe('Sign-in failed. Check your details and try again.');
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    for (const name of ['Home', 'Group status', 'Server status', 'Extensions', 'Trunks', 'Access lists', 'Clusters', 'Users', 'Audit log']) {
      // Plugin pages join the menu when /api/plugins answers: wait for each entry, then count it.
      await nav.getByRole('link', { name, exact: true }).first().waitFor();
      expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    }
    expect(await page.locator('.topbar .username').innerText()).toBe('admin');
    expect(await page.locator('.topbar .role').innerText()).toMatch(/admin/i);
  });

  it('shows the home page tiles', async () => {
    await page.locator('acm-status-home .tile').first().waitFor();
    const tile = page.locator('acm-status-home .tile[data-tile="acm-health"]');
    expect(await tile.getAttribute('class')).toMatch(/\b(green|orange|red)\b/);
    expect(await tile.locator('.tile-summary').innerText()).toMatch(/plugins running/);
    // The demo's five cluster pairs are HA groups whose nodes report: the tile shows them.
    const ha = page.locator('acm-status-home .tile[data-tile="ha"]');
    expect(await ha.getAttribute('class')).toMatch(/\bgreen\b/);
    expect(await ha.locator('.tile-summary').innerText()).toBe('5 HA group(s) in normal state');
    await tile.getByRole('button').click();
    await page.locator('#tile-details dl.details').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/acm-home.png`, fullPage: true });
  });

  it('changes a tile live when a simulated server changes state, without a reload', async () => {
    // The site module's ITSP tile counts channels per trunk from AMI Newchannel/Hangup. Open a
    // channel on tpa1's TPA2 trunk in the simulator (it emits Newchannel and keeps the channel, so
    // a CoreShowChannels resync agrees), then hang it up. The demo's call generator may use the
    // ITSP trunks (those with a capacity) too, so the exact count is read from TPA2's own row.
    const tile = page.locator('acm-status-home .tile[data-tile="itsp-utilization"]');
    const summary = tile.locator('.tile-summary');
    await poll(() => summary.innerText()).toMatch(/^\d+ trunk calls, /);
    const before = await summary.innerText();
    if ((await tile.getByRole('button').getAttribute('aria-expanded')) !== 'true') await tile.getByRole('button').click();
    const table = page.locator('#tile-details table.grid').first();
    await table.waitFor();
    const headers = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    const inUseCol = headers.indexOf('inUse');
    expect(inUseCol).toBeGreaterThanOrEqual(0);
    const row = table.locator('tbody > tr').filter({ has: page.locator('td', { hasText: /^tpa1$/ }) }).filter({ has: page.locator('td', { hasText: /^TPA2$/ }) });
    const inUse = async () => Number((await row.locator(':scope > td').nth(inUseCol).innerText()).trim());
    await poll(inUse).toBe(0);
    const marker = await page.evaluate(() => { (window as unknown as { e2eMarker: number }).e2eMarker = Math.random(); return (window as unknown as { e2eMarker: number }).e2eMarker; });
    const sim = h.demo!.simulators.get('tpa1-ast1')!;
    const channel = sim.state.newChannel({ name: 'PJSIP/TPA2-00e2e001', callerIdNum: '+18135550100', context: 'internal', exten: '5101' });
    const slowPoll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 25_000, interval: 100 });
    try {
      await slowPoll(inUse).toBe(1);
      // The one-line summary moved with it (it counts every trunk's calls).
      await slowPoll(() => summary.innerText()).not.toBe(before);
      expect(await summary.innerText()).toMatch(/^[1-9]\d* trunk calls, /);
    } finally {
      sim.state.hangup(channel);
    }
    await slowPoll(inUse).toBe(0);
    // The same document all along: the tile changed in place.
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(marker);
    await tile.getByRole('button').click();
  });

  it('sorts, searches and paginates the extensions table', async () => {
    await page.goto(h.url + '/#/extensions');
    await page.locator('acm-table tbody tr[data-id]').first().waitFor();
    const total = (await h.k.admin.json('GET', '/api/extensions?pageSize=1')).body.total as number;
    expect(total).toBeGreaterThan(25);
    await page.getByRole('button', { name: 'Extension', exact: true }).click();
    await poll(() => page.locator('th[data-key=extension]').getAttribute('aria-sort')).toBe('ascending');
    await poll(async () => { const c = await firstColumn(page); return c.length === 25 && c.every((v, i) => i === 0 || c[i - 1]! <= v); }).toBe(true);
    const asc = await firstColumn(page);
    await page.getByRole('button', { name: 'Extension', exact: true }).click();
    await poll(() => page.locator('th[data-key=extension]').getAttribute('aria-sort')).toBe('descending');
    await poll(async () => (await firstColumn(page))[0] !== asc[0]).toBe(true);
    const desc = await firstColumn(page);
    expect(desc.every((v, i) => i === 0 || desc[i - 1]! >= v)).toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await poll(() => page.locator('.pager .count').innerText()).toMatch(/^26–\d+ of \d+/);
    // The count and the rows render separately: wait for the rows. Numbers repeat across clusters (5101 is on
    // every cluster), so page 2 may start with the number page 1 ended with.
    await poll(async () => { const c = await firstColumn(page); return c.length > 0 && c[0]! <= desc[24]! && c[0] !== desc[0]; }).toBe(true);

    const sample = (await h.k.admin.json('GET', '/api/extensions?pageSize=1&sort=name')).body.items[0];
    await page.getByLabel('Search Extensions').fill(sample.name);
    await poll(async () => { const r = await rowsText(page); return r.length > 0 && r.every((t) => t.includes(sample.name)); }).toBe(true);
    expect(await page.locator('.pager .count').innerText()).toMatch(/^1–/);
    await page.getByLabel('Search Extensions').fill('');
    await poll(async () => (await rowsText(page)).length).toBe(25);
    await page.screenshot({ path: `${SHOTS}/acm-extensions.png`, fullPage: true });
  });

  it('adds an extension: the API\'s message shows at the bad field, a good one lands in the table', async () => {
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('acm-object-form form').waitFor();
    await page.getByLabel('Cluster').selectOption({ label: 'tpa2' });
    await page.getByLabel(/^Extension\b/).fill('12ab');
    await page.getByLabel(/^Name\b/).fill('Erin Example');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const err = page.locator('.field[data-field=extension] .field-error');
    await err.waitFor();
    expect(await err.innerText()).toMatch(/digits/);
    expect(await page.getByLabel(/^Extension\b/).getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/acm-extension-form-error.png`, fullPage: true });

    await page.getByLabel(/^Extension\b/).fill('7990');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL(/#\/extensions$/);
    await page.getByLabel('Search Extensions').fill('7990');
    await poll(() => firstColumn(page)).toEqual(['7990']);
    expect((await rowsText(page))[0]).toContain('Erin Example');
  });

  it('copies and deletes an extension', async () => {
    await page.getByRole('button', { name: 'Copy 7990 Erin Example' }).click();
    await page.locator('acm-object-form form').waitFor();
    expect(await page.getByLabel(/^Extension\b/).inputValue()).toBe('');
    expect(await page.getByLabel(/^Name\b/).inputValue()).toBe('Erin Example');
    await page.getByLabel(/^Extension\b/).fill('7991');
    await page.getByLabel(/^Name\b/).fill('Finn Example');
    await page.getByRole('button', { name: 'Save copy' }).click();
    await page.waitForURL(/#\/extensions$/);
    await page.getByLabel('Search Extensions').fill('799');
    await poll(() => firstColumn(page)).toEqual(['7990', '7991']);
    const copy = (await h.k.admin.json('GET', '/api/extensions?q=7991')).body.items[0];
    expect(copy.clusterId).toBe((await h.k.admin.json('GET', '/api/extensions?q=7990')).body.items[0].clusterId);

    await page.getByRole('button', { name: 'Delete 7991 Finn Example' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await poll(() => firstColumn(page)).toEqual(['7990']);
    expect((await h.k.admin.json('GET', '/api/extensions?q=7991')).body.total).toBe(0);
  });

  it('shows the extension form grouped, and takes a screenshot', async () => {
    const id = (await h.k.admin.json('GET', '/api/extensions?q=7990')).body.items[0].id;
    await page.goto(`${h.url}/#/extensions/${id}/edit`);
    await page.locator('acm-object-form form').waitFor();
    const legends = await page.locator('fieldset.section legend').allInnerTexts();
    expect(legends).toEqual(['Identity', 'Phone & authentication', 'Voicemail', 'Rights & contexts', 'Groups', 'Media, NAT & codecs', 'ACL', 'Provisioning', 'Roaming & fallback']);
    expect(await page.getByLabel(/^Extension\b/).inputValue()).toBe('7990');
    await page.screenshot({ path: `${SHOTS}/acm-extension-form.png`, fullPage: true });
  });

  it('keeps a half-filled form over a session expiry and saves it after the new login', async () => {
    const id = (await h.k.admin.json('GET', '/api/extensions?q=7990')).body.items[0].id;
    await page.getByLabel(/^Caller ID/).fill('Erin <7990>');
    await h.k.acm.orm.em.fork().nativeDelete(SessionSchema, {});
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const overlay = page.locator('.overlay[role=dialog]');
    await overlay.waitFor();
    expect(await overlay.innerText()).toMatch(/session has ended/);
    expect(await page.getByLabel(/^Caller ID/).inputValue()).toBe('Erin <7990>');
    await overlay.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await overlay.getByRole('button', { name: 'Sign in' }).click();
    await overlay.waitFor({ state: 'detached' });
    await page.waitForURL(/#\/extensions$/);
    await h.k.admin.login('admin', TEST_ADMIN_PASSWORD);
    expect((await h.k.admin.json('GET', `/api/extensions/${id}`)).body.callerId).toBe('Erin <7990>');
  });

  it('updates the group status view live', async () => {
    await page.goto(h.url + '/#/group-status');
    const row = page.locator('acm-group-status tbody tr[data-id]').first();
    await row.waitFor();
    const id = Number(await row.getAttribute('data-id'));
    const ext = (await h.k.admin.json('GET', `/api/extensions/${id}`)).body;
    // Publish until the page's WebSocket (connected asynchronously) delivers it; bounded.
    const deadline = Date.now() + 5000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      h.k.acm.bus.publish(`acm.${ext.tenantId}.${ext.clusterId ?? 0}.0.live.extension`, {
        type: 'extension', id, extension: ext.extension, tenantId: ext.tenantId, siteId: ext.siteId, clusterId: ext.clusterId, groupId: ext.groupId ?? null,
        changes: { agentStatus: 'e2e-break', vmUnread: 42 },
      });
      seen = await page.locator(`acm-group-status tr[data-id="${id}"] td.agent`, { hasText: 'e2e-break' }).waitFor({ timeout: 500 }).then(() => true, () => false);
    }
    expect(seen).toBe(true);
    expect(await page.locator(`acm-group-status tr[data-id="${id}"]`).innerText()).toContain('42');
    await page.screenshot({ path: `${SHOTS}/acm-group-status.png` });
  });

  it('commit refused by validation: the dialog lists every problem the API names', async () => {
    await page.goto(h.url + '/#/');
    // 7990, added above without a SIP secret, fails the commit's validation (nothing is pushed).
    const dry = await h.k.admin.json('POST', '/api/commit', { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(422);
    const expected = dry.body.problems as { field: string; message: string }[];
    expect(expected.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Commit' });
    const items = dialog.locator('ul.commit-problems li');
    await items.first().waitFor({ timeout: 15_000 });
    const texts = await items.allInnerTexts();
    expect(texts).toHaveLength(expected.length);
    for (const pr of expected) expect(texts.some((t) => t.includes(pr.field) && t.includes(pr.message)), `${pr.field}: ${pr.message}`).toBe(true);
    expect(texts.join('\n')).toContain('7990');
    expect(await dialog.getByRole('alert').innerText()).toMatch(/validation failed/);
    await page.screenshot({ path: `${SHOTS}/acm-commit-problems.png` });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('commits: shows the changes waiting, the progress and the result per cluster', async () => {
    await page.goto(h.url + '/#/');
    const badge = page.locator('.topbar .changes .count');
    await poll(async () => Number(await badge.innerText())).toBeGreaterThan(0);
    // The UI's contract with POST /api/commit, answered here so the three outcomes show (and the
    // test does not depend on the simulators' deploy timing); the badge then re-reads /api/changes.
    let release = () => {};
    const held = new Promise<void>((r) => { release = r; });
    await page.route('**/api/commit', async (route) => {
      await held;
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ revisions: [
        { id: 11, clusterId: 1, cluster: 'tpa1', status: 'deployed', files: ['acm/pjsip.acm.conf', 'acm/extensions.acm.conf'] },
        { id: null, clusterId: 2, cluster: 'tpa2', status: 'unchanged', files: [] },
        { id: 12, clusterId: 3, cluster: 'sfo', status: 'failed', files: ['acm/pjsip.acm.conf'], error: 'sfo-ast2: SFTP write failed' },
      ] }) });
    });
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Commit' });
    await dialog.locator('progress').waitFor();
    // While the answer is held, the server's progress messages show per cluster and server.
    const tpa1 = (await h.k.admin.json('GET', '/api/clusters?q=tpa1')).body.items.find((c: { name: string }) => c.name === 'tpa1');
    expect(tpa1.id).toBe(1);
    const step = (data: Record<string, unknown>) => h.k.acm.bus.publish(`acm.${tpa1.tenantId}.1.0.commit.progress`, { type: 'commit', clusterId: 1, tenantId: tpa1.tenantId, siteId: tpa1.siteId, revisionId: 11, ...data });
    const server1 = dialog.locator('table.commit-progress tr[data-cluster="1"] li[data-server="tpa1-ast1"]');
    let seen = false;
    for (const deadline = Date.now() + 8000; !seen && Date.now() < deadline;) {
      step({ step: 'push', server: 'tpa1-ast1' });
      seen = await server1.waitFor({ timeout: 500 }).then(() => true, () => false);
    }
    expect(seen).toBe(true);
    expect(await server1.innerText()).toMatch(/tpa1-ast1\s+pushing files/);
    step({ step: 'reload', server: 'tpa1-ast1', module: 'res_pjsip.so' });
    await poll(() => server1.innerText()).toMatch(/reloading res_pjsip\.so/);
    step({ step: 'push', server: 'tpa1-ast2' });
    await poll(() => dialog.locator('table.commit-progress li[data-server="tpa1-ast2"]').innerText()).toMatch(/pushing files/);
    expect(await dialog.locator('table.commit-progress tr[data-cluster="1"] .badge').innerText()).toBe('push');
    await page.screenshot({ path: `${SHOTS}/acm-commit-progress.png` });
    step({ step: 'deployed' });
    release();
    await dialog.locator('table.commit-results tbody tr').first().waitFor();
    const rows = await dialog.locator('table.commit-results tbody tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['tpa1 deployed 2', 'tpa2 unchanged 0', 'sfo failed 1 sfo-ast2: SFTP write failed']);
    // Every step stays readable after the answer.
    await dialog.locator('details.commit-log summary').click();
    const log = await dialog.locator('details.commit-log li').allInnerTexts();
    expect(log).toEqual(expect.arrayContaining(['tpa1 · tpa1-ast1: pushing files', 'tpa1 · tpa1-ast1: reloading res_pjsip.so', 'tpa1 · tpa1-ast2: pushing files', 'tpa1: deployed']));
    await page.screenshot({ path: `${SHOTS}/acm-commit.png` });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.unroute('**/api/commit');
  });

  it('drops a disabled plugin\'s page from the navigation', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Home', exact: true }).count()).toBe(1);
    await page.goto(h.url + '/#/plugins');
    await page.locator('tr[data-plugin=status]').getByRole('button', { name: 'Disable' }).click();
    await poll(() => nav.getByRole('link', { name: 'Home', exact: true }).count()).toBe(0);
    expect((await fetch(h.url + '/plugins/status/ui/status-home.js')).status).toBe(404);
    await page.locator('tr[data-plugin=status]').getByRole('button', { name: 'Enable' }).click();
    await poll(() => nav.getByRole('link', { name: 'Home', exact: true }).count()).toBe(1);
  });

  it('shows server status', async () => {
    await page.goto(h.url + '/#/server-status');
    await page.locator('acm-server-status .cluster-status').first().waitFor();
    expect(await page.locator('acm-server-status h2').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^tpa1/)]));
    await page.screenshot({ path: `${SHOTS}/acm-server-status.png`, fullPage: true });
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});

/**
 * Revisions, rollback and the batch page against the demo's simulated servers: a real commit
 * (SFTP push, reload, verify) of a change made in the browser, its revision, diff and files, a
 * rollback, and a batch validated and submitted. Own browser context; state from the tests above
 * (pending changes) is deployed first so the new revision has a previous one to diff against.
 */
describe('revisions, rollback and batch', () => {
  let p: Page;
  let tpa1: { id: number; name: string };
  let ext: { id: number; extension: string; callerId: string | null; name: string };
  const newCid = `"Diff Check" <9${process.pid}>`;
  let pushedFile = '';
  const slow = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });

  beforeAll(async () => {
    // The extension the form tests added has no SIP secret: the commit validator (rightly) refuses it.
    for (const e of (await h.k.admin.json('GET', '/api/extensions?q=7990')).body.items as { id: number }[]) {
      expect((await h.k.admin.json('DELETE', `/api/extensions/${e.id}`)).status).toBeLessThan(300);
    }
    const pushed = await h.demo!.deploy().catch((err) => { throw new Error(`${err.message}: ${JSON.stringify(err.problems)}`); });
    expect(pushed.filter((o) => o.status === 'failed')).toEqual([]);
    const clusters = (await h.k.admin.json('GET', '/api/clusters?pageSize=100')).body.items as { id: number; name: string }[];
    tpa1 = clusters.find((c) => c.name === 'tpa1')!;
    ext = (await h.k.admin.json('GET', `/api/extensions?clusterId=${tpa1.id}&pageSize=1&sort=extension`)).body.items[0];
    p = await h.newPage();
    await h.login(p);
  }, 60_000);

  it('commits a change made in the browser: its cluster deploys for real, the others are unchanged', async () => {
    await p.goto(`${h.url}/#/extensions/${ext.id}/edit`);
    await p.locator('acm-object-form form').waitFor();
    await p.getByLabel(/^Caller ID/).fill(newCid);
    await p.getByRole('button', { name: 'Save', exact: true }).click();
    await p.waitForURL(/#\/extensions$/);
    await poll(async () => Number(await p.locator('.topbar .changes .count').innerText())).toBeGreaterThan(0);
    await p.getByRole('button', { name: 'Commit', exact: true }).click();
    const dialog = p.getByRole('dialog', { name: 'Commit' });
    await dialog.locator('table.commit-results tbody tr').first().waitFor({ timeout: 30_000 });
    const row = dialog.locator(`table.commit-results tr[data-cluster="${tpa1.id}"]`);
    expect((await row.innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^tpa1 deployed \d+/);
    const others = await dialog.locator(`table.commit-results tbody tr:not([data-cluster="${tpa1.id}"]) .badge`).allInnerTexts();
    expect(others.every((s) => s === 'unchanged')).toBe(true);
    // The steps came over the WebSocket while the commit ran: both of tpa1's servers got the files and reloads.
    await dialog.locator('details.commit-log summary').click();
    const log = dialog.locator('details.commit-log');
    for (const server of ['tpa1-ast1', 'tpa1-ast2']) {
      await poll(() => log.innerText()).toContain(`tpa1 · ${server}: pushing files`);
      expect(await log.innerText()).toMatch(new RegExp(`tpa1 · ${server}: reloading \\S+`));
    }
    await poll(() => log.innerText()).toContain('tpa1: deployed');
    await p.screenshot({ path: `${SHOTS}/acm-commit-real.png` });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => p.locator('.topbar .changes .count').innerText()).toBe('0');
    // Pushed to both servers of tpa1 (the simulators' /etc/asterisk).
    const rev = (await h.k.admin.json('GET', `/api/revisions?clusterId=${tpa1.id}&pageSize=1`)).body.items[0];
    pushedFile = (rev.changed as string[]).find((f) => h.demo!.simulators.get('tpa1-ast1')!.readConfig(f)?.includes(newCid)) ?? '';
    expect(pushedFile).not.toBe('');
    expect(h.demo!.simulators.get('tpa1-ast2')!.readConfig(pushedFile)).toContain(newCid);
  });

  it('lists the revision, shows its diff line by line and its files', async () => {
    const latest = (await h.k.admin.json('GET', `/api/revisions?clusterId=${tpa1.id}&pageSize=1`)).body.items[0];
    expect(latest).toMatchObject({ status: 'deployed', author: 'admin' });
    expect(latest.previousId).toBeGreaterThan(0);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Revisions', exact: true }).click();
    await p.locator('acm-revisions-page acm-table tbody tr[data-id]').first().waitFor();
    await p.getByRole('combobox', { name: 'Cluster' }).selectOption({ label: 'tpa1' });
    await poll(() => p.locator('acm-revisions-page acm-table tbody tr[data-id]').first().getAttribute('data-id')).toBe(String(latest.id));
    const first = p.locator(`acm-revisions-page tr[data-id="${latest.id}"]`);
    const cells = await first.locator('td').allInnerTexts();
    expect(cells[2]).toBe('tpa1');
    expect(cells[3]).toBe('admin');
    expect(cells[4]).toBe('deployed');
    expect(await first.locator('.badge.green').count()).toBe(1);
    expect(cells[5]).toContain(latest.changed[0]);

    await first.getByRole('link', { name: String(latest.id) }).click();
    await p.waitForURL(new RegExp(`#/revisions/${latest.id}$`));
    const added = p.locator('acm-diff-view tr.add', { hasText: newCid });
    await added.waitFor();
    expect(await added.locator('td.mark').innerText()).toBe('+');
    const file = p.locator('acm-diff-view section.diff-file', { has: p.locator('tr.add', { hasText: newCid }) });
    const removed = file.locator('tr.del', { hasText: /callerid/ });
    expect(await removed.count()).toBeGreaterThan(0);
    expect(await removed.first().locator('td.mark').innerText()).toBe('-');
    expect(await removed.first().innerText()).not.toContain(newCid);
    // Config text is shown as text, never markup: the quotes and angle brackets survive.
    expect(await added.locator('td.code').innerText()).toContain(newCid);
    await p.screenshot({ path: `${SHOTS}/acm-revision-diff.png`, fullPage: true });

    const fileName = (await file.getAttribute('data-file'))!;
    await p.getByRole('tab', { name: /^Files/ }).click();
    await p.getByRole('list', { name: `Files of revision ${latest.id}` }).getByRole('button', { name: new RegExp(fileName.replace(/[.]/g, '\\.')) }).click();
    const pane = p.locator('pre.file-content');
    await poll(() => pane.innerText()).toContain(newCid);
    expect(await pane.getAttribute('aria-label')).toBe(`Content of ${fileName}`);
    await p.screenshot({ path: `${SHOTS}/acm-revision-files.png`, fullPage: true });
  });

  it('rolls back to the previous revision after a confirmation naming the revision and the cluster', async () => {
    const latest = (await h.k.admin.json('GET', `/api/revisions?clusterId=${tpa1.id}&pageSize=1`)).body.items[0];
    const prev = latest.previousId as number;
    await p.locator('.rev-summary').getByRole('link', { name: String(prev), exact: true }).click();
    await p.waitForURL(new RegExp(`#/revisions/${prev}$`));
    await p.getByRole('button', { name: 'Roll back to this revision' }).click();
    const confirm = p.getByRole('dialog', { name: 'Confirm' });
    expect(await confirm.innerText()).toMatch(new RegExp(`cluster tpa1 to revision ${prev}\\b`));
    // Cancelling does nothing.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await h.k.admin.json('GET', `/api/revisions?clusterId=${tpa1.id}&pageSize=1`)).body.items[0].id).toBe(latest.id);

    await p.getByRole('button', { name: 'Roll back to this revision' }).click();
    await p.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Roll back' }).click();
    const outcome = p.locator('acm-revision-detail .outcome[data-status]');
    await slow(() => outcome.getAttribute('data-status').catch(() => null)).toBe('deployed');
    const rolled = (await h.k.admin.json('GET', `/api/revisions?clusterId=${tpa1.id}&pageSize=1`)).body.items[0];
    expect(rolled).toMatchObject({ status: 'deployed', rollbackOf: prev, previousId: latest.id });
    expect(await outcome.innerText()).toContain(`revision ${rolled.id}`);
    // Checked again after the rollback: what each server holds, file by file.
    for (const server of ['tpa1-ast1', 'tpa1-ast2']) expect(await outcome.locator(`li[data-server="${server}"]`).innerText()).toMatch(new RegExp(`^${server}: ok — (\\d+) of \\1 files as deployed$`));
    // Both servers of tpa1 run the old caller ID again.
    for (const server of ['tpa1-ast1', 'tpa1-ast2']) expect(h.demo!.simulators.get(server)!.readConfig(pushedFile), server).not.toContain(newCid);

    await p.goto(`${h.url}/#/revisions`);
    const row = p.locator(`acm-revisions-page tr[data-id="${rolled.id}"]`);
    await row.waitFor();
    expect((await row.locator('td').allInnerTexts())[6]).toBe(String(prev));
    await p.screenshot({ path: `${SHOTS}/acm-revisions.png`, fullPage: true });
  });

  it('validates a batch (INVALID for a taken number with the API\'s message, VALID for a free range) and submits it', async () => {
    const probe = await h.k.admin.json('POST', '/api/batch/validate', {});
    await p.goto(`${h.url}/#/batch`);
    if (probe.status === 404) {
      const msg = p.locator('acm-batch-page .not-available');
      await msg.waitFor();
      expect(await msg.innerText()).toMatch(/not available/);
      expect(await p.getByRole('button', { name: 'Validate' }).count()).toBe(0);
      await p.screenshot({ path: `${SHOTS}/acm-batch.png`, fullPage: true });
      return;
    }
    expect(probe.status).toBe(200);
    const group = (await h.k.admin.json('GET', '/api/groups?q=USSales')).body.items[0];
    await p.getByLabel('Template group').selectOption({ label: 'USSales' });
    await p.getByRole('group', { name: 'Clusters' }).getByLabel('tpa1', { exact: true }).check();
    await p.getByLabel('From', { exact: true }).fill(ext.extension);
    await p.getByLabel('To', { exact: true }).fill(ext.extension);
    const submit = p.getByRole('button', { name: 'Submit', exact: true });
    expect(await submit.isDisabled()).toBe(true);
    await p.getByRole('button', { name: 'Validate' }).click();
    const result = p.locator('acm-batch-page .batch-result.validation');
    await poll(() => result.getAttribute('data-valid').catch(() => null)).toBe('false');
    expect(await result.locator('.verdict').innerText()).toBe('INVALID');
    const api = (await h.k.admin.json('POST', '/api/batch/validate', { templateGroupId: group.id, clusterIds: [tpa1.id], from: ext.extension, to: ext.extension })).body;
    expect(api.valid).toBe(false);
    const messages = await result.locator('ul.problems li').allInnerTexts();
    for (const pr of api.problems as { message: string }[]) expect(messages.some((m) => m.includes(pr.message))).toBe(true);
    expect(messages.join('\n')).toMatch(new RegExp(`number ${ext.extension} is already used`));
    expect(await p.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('false');
    expect(await submit.isDisabled()).toBe(true);
    await p.screenshot({ path: `${SHOTS}/acm-batch-invalid.png`, fullPage: true });

    // A free range: VALID with the count; Submit only while the inputs are the validated ones.
    const from = '7950'; const to = '7952';
    expect((await h.k.admin.json('GET', `/api/extensions?clusterId=${tpa1.id}&q=795`)).body.total).toBe(0);
    await p.getByLabel('From', { exact: true }).fill(from);
    await p.getByLabel('To', { exact: true }).fill(to);
    await p.getByLabel('Name pattern').fill('Batch {n} {cluster}');
    await p.getByRole('button', { name: 'Validate' }).click();
    await poll(() => result.getAttribute('data-valid').catch(() => null)).toBe('true');
    expect(await result.locator('.verdict').innerText()).toBe('VALID');
    expect(await result.locator('.count-line').innerText()).toBe('3 extensions will be created.');
    expect(await submit.isEnabled()).toBe(true);
    await p.getByLabel('To', { exact: true }).fill('7953');
    expect(await submit.isDisabled()).toBe(true);
    await p.getByLabel('To', { exact: true }).fill(to);
    expect(await submit.isEnabled()).toBe(true);
    await p.screenshot({ path: `${SHOTS}/acm-batch.png`, fullPage: true });
    await submit.click();
    const created = p.locator('acm-batch-page .batch-result.created .created-count');
    await slow(() => created.innerText().catch(() => '')).toBe('3');
    // The bar filled from the `batch` WebSocket messages (sent only to the user who submitted).
    const bar = p.locator('acm-batch-page .batch-result.created progress.batch-progress');
    await poll(() => bar.evaluate((el) => [(el as HTMLProgressElement).value, (el as HTMLProgressElement).max]).catch(() => null)).toEqual([3, 3]);
    expect(await p.locator('acm-batch-page .batch-result.created .progress-text').innerText()).toBe('3 of 3 written');
    const made = (await h.k.admin.json('GET', `/api/extensions?clusterId=${tpa1.id}&q=795&sort=extension`)).body.items as { extension: string; name: string; groupId: number }[];
    expect(made.map((e) => [e.extension, e.name, e.groupId])).toEqual([7950, 7951, 7952].map((n) => [String(n), `Batch ${n} tpa1`, group.id]));
    expect(await submit.isDisabled()).toBe(true);
    await p.screenshot({ path: `${SHOTS}/acm-batch-created.png`, fullPage: true });
  });

  it('says the batch page is not available when the server has no batch API', async () => {
    await p.route('**/api/batch/**', (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }) }));
    try {
      await p.goto(`${h.url}/#/batch`);
      await p.reload();
      const msg = p.locator('acm-batch-page .not-available');
      await msg.waitFor();
      expect(await msg.innerText()).toMatch(/not available/);
      expect(await p.getByRole('button', { name: 'Validate' }).count()).toBe(0);
    } finally {
      await p.unroute('**/api/batch/**');
    }
  });

  it('logged no console errors on these pages', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});

/**
 * The security plugin's page: opened from the menu; the config audit of the demo (clean as
 * seeded, so the test adds a few weak accounts), NOC alerts from Wazuh lines, Asterisk security
 * events from a simulator, posture per server (answered here: the simulators run no fail2ban or
 * iptables) with blacklist add/remove, and the sign-in trail with a failed login made here.
 */
describe('security page', () => {
  let s: Page;
  const made: number[] = [];
  const attacker = '198.51.100.23';
  const stranger = `mallory-e2e-${process.pid}`;

  beforeAll(async () => {
    const tpa2 = (await h.k.admin.json('GET', '/api/clusters?q=tpa2')).body.items.find((c: { name: string }) => c.name === 'tpa2');
    const add = async (body: Record<string, unknown>) => {
      const r = await h.k.admin.json('POST', '/api/extensions', { clusterId: tpa2.id, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      made.push(r.body.id);
    };
    // A password equal to the number; two accounts sharing one.
    await add({ extension: '79710001', name: 'Weak Secret', secret: '79710001' });
    await add({ extension: '7972', name: 'Shared One', secret: 'Shared-e2e-Secret-42' });
    await add({ extension: '7973', name: 'Shared Two', secret: 'Shared-e2e-Secret-42' });
    // Wazuh alerts (levels 3, 5 and 10) and Asterisk InvalidPassword events from one address.
    const lines = readFileSync(join(ROOT_DIR, 'plugins/security/fixtures/wazuh-alerts.json'), 'utf8');
    const ingest = await h.k.admin.json('POST', '/api/plugins/security/alerts', { text: lines });
    expect(ingest.status, JSON.stringify(ingest.body)).toBe(200);
    const sim = h.demo!.simulators.get('tpa1-ast1')!;
    for (let i = 0; i < 3; i++) {
      sim.emit('InvalidPassword', [['EventTV', new Date().toISOString()], ['Severity', 'Error'], ['Service', 'PJSIP'], ['EventVersion', '2'], ['AccountID', '5101'],
        ['SessionID', `e2e-${i}`], ['LocalAddress', 'IPV4/UDP/127.0.0.1/5060'], ['RemoteAddress', `IPV4/UDP/${attacker}/${5070 + i}`], ['Challenge', 'x'], ['ReceivedHash', 'y']], 'security');
    }
    await until(async () => ((await h.k.admin.json('GET', '/api/plugins/security/sources')).body.sources as { ip: string; failures: number }[])
      .find((x) => x.ip === attacker)?.failures, (n) => n === 3, 'three InvalidPassword events counted');
    await until(async () => ((await h.k.admin.json('GET', '/api/plugins/security/alerts?view=noc&limit=200')).body as { ruleId: string; srcIp: string; count: number }[])
      .find((a) => a.srcIp === attacker && a.ruleId === 'asterisk.InvalidPassword')?.count, (n) => n === 3, 'the InvalidPassword alert stored');
    // A failed sign-in in a browser of its own.
    const other = await h.newPage();
    await other.goto(h.url + '/');
    await other.getByLabel('User name').fill(stranger);
    await other.getByLabel('Password').fill('not-the-password');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await until(() => other.locator('.login-error').innerText(), (t) => /Sign-in failed/.test(t), 'the failed sign-in');
    await other.context().close();
    s = await h.newPage();
    await h.login(s);
  }, 60_000);

  afterAll(async () => {
    for (const id of made) await h.k.admin.json('DELETE', `/api/extensions/${id}`);
  });

  it('opens from the menu and lists the audit findings the API reports, filtered by severity', async () => {
    await s.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security', exact: true }).click();
    await s.waitForURL(/#\/security$/);
    const rows = s.locator('acm-security-page table.findings tbody tr[data-rule]');
    await rows.first().waitFor();
    const api = (await h.k.admin.json('GET', '/api/plugins/security/audit')).body as { findings: { rule: string; severity: string; object: { name: string } }[]; summary: Record<string, number> };
    await poll(() => rows.count()).toBe(api.findings.length);
    const row = (rule: string, name: string) => s.locator(`acm-security-page table.findings tr[data-rule="${rule}"]`, { has: s.locator('td.object', { hasText: name }) });
    expect(await row('password.equals-username', '79710001').count()).toBe(1);
    expect(await row('password.equals-username', '79710001').locator('.badge').innerText()).toBe('critical');
    expect(await row('password.equals-username', '79710001').locator('.badge').getAttribute('class')).toContain('sev-critical');
    expect(await row('password.reused', '7972').count()).toBe(1);
    expect(await row('password.reused', '7973').count()).toBe(1);
    expect(await row('password.reused', '7972').innerText()).toContain('Give every account its own random password.');
    const counts = await s.locator('acm-security-page ul.severity-counts li').allInnerTexts();
    expect(counts).toEqual(['critical', 'high', 'medium', 'low'].map((k) => `${api.summary[k]} ${k}`));

    await s.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
    await poll(() => rows.count()).toBe(api.findings.filter((f) => f.severity === 'critical').length);
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-severity'))))).toEqual(new Set(['critical']));
    await s.getByRole('combobox', { name: 'Severity' }).selectOption('');
    await poll(() => rows.count()).toBe(api.findings.length);
  });

  it('shows NOC alerts, security events per source and the sign-in trail with the failed login', async () => {
    const alerts = s.locator('acm-security-page table.alerts tbody tr[data-rule]');
    await alerts.first().waitFor();
    const noc = (await h.k.admin.json('GET', '/api/plugins/security/alerts?view=noc&limit=200')).body as { ruleId: string; level: number }[];
    expect(noc.every((a) => a.level >= 5)).toBe(true);
    await poll(() => alerts.count()).toBe(noc.length);
    expect(await s.locator('acm-security-page table.alerts tr[data-rule="5712"]').innerText()).toMatch(/brute force/);
    expect(await s.locator('acm-security-page table.alerts tr[data-rule="503"]').count()).toBe(0);

    const src = s.locator(`acm-security-page table.sources tr[data-ip="${attacker}"]`);
    await src.waitFor();
    expect(await src.locator('td.failures').innerText()).toBe('3');
    expect(await src.innerText()).toContain('InvalidPassword');

    const failed = s.locator('acm-security-page table.auth-trail tr[data-action="auth.login.failed"]', { hasText: stranger });
    await failed.waitFor();
    expect(await failed.innerText()).toContain('failed sign-in');
    expect(await failed.innerText()).toContain('127.0.0.1');
    await s.getByLabel('Failures only').check();
    expect(await s.locator('acm-security-page table.auth-trail tr[data-action="auth.login"]').count()).toBe(0);
    await s.getByLabel('Failures only').uncheck();
  });

  it('shows a server\'s posture (jails, chains, BLACKLIST), its raw output, and blocks and unblocks an address', async () => {
    const server = (await h.k.admin.json('GET', '/api/servers?q=tpa1-ast1')).body.items.find((x: { name: string }) => x.name === 'tpa1-ast1');
    const blocked = ['192.0.2.50'];
    const posture = (raw: boolean) => ({
      serverId: server.id, server: 'tpa1-ast1', clusterId: server.clusterId, collectedAt: new Date().toISOString(), errors: [], amiFindings: [],
      fail2ban: { banned: 2, jails: [
        { name: 'asterisk', currentlyFailed: 4, totalFailed: 310, files: ['/var/log/asterisk/security'], currentlyBanned: 2, totalBanned: 17, bannedIps: ['203.0.113.7', '203.0.113.9'] },
        { name: 'sshd', currentlyFailed: 0, totalFailed: 12, files: ['/var/log/auth.log'], currentlyBanned: 0, totalBanned: 1, bannedIps: [] },
      ] },
      iptables: { policies: { INPUT: 'DROP' }, chains: [
        { table: 'filter', name: 'INPUT', policy: 'DROP', references: null, packets: 91234, bytes: 7712345, rules: [
          { packets: 5120, bytes: 409600, target: 'BLACKLIST', protocol: 'all', source: '0.0.0.0/0', destination: '0.0.0.0/0', in: '*', out: '*', extra: '' },
          { packets: 81234, bytes: 6512345, target: 'ACCEPT', protocol: 'udp', source: '10.0.0.0/8', destination: '0.0.0.0/0', in: '*', out: '*', extra: 'udp dpt:5060' },
        ] },
        { table: 'filter', name: 'BLACKLIST', policy: null, references: 1, packets: null, bytes: null,
          rules: blocked.map((a) => ({ packets: 12, bytes: 960, target: 'DROP', protocol: 'all', source: a, destination: '0.0.0.0/0', in: '*', out: '*', extra: '' })) },
      ] },
      nft: null,
      blacklist: { chain: 'BLACKLIST', addresses: blocked.map((a) => ({ address: a, packets: 12, bytes: 960 })) },
      ...(raw ? { raw: { f2b: 'Status\n|- Number of jail:\t2\n`- Jail list:\tasterisk, sshd', 'iptables-L': 'Chain INPUT (policy DROP 0 packets, 0 bytes)' } } : { rawAvailable: ['f2b', 'iptables-L'] }),
    });
    const requests: string[] = [];
    const mine = (u: URL) => u.pathname.startsWith(`/api/plugins/security/servers/${server.id}/`);
    await s.route(mine, async (route) => {
      const u = new URL(route.request().url());
      const method = route.request().method();
      requests.push(`${method} ${u.pathname}${u.search}`);
      if (u.pathname.endsWith('/posture')) return route.fulfill({ json: posture(u.searchParams.get('raw') === '1') });
      const address = (route.request().postDataJSON() as { address: string }).address;
      if (method === 'POST') blocked.push(address);
      else blocked.splice(blocked.indexOf(address), 1);
      return route.fulfill({ json: { address, chain: 'BLACKLIST', ok: true, output: '' } });
    });
    try {
      await s.getByRole('button', { name: 'Open posture of tpa1-ast1' }).click();
      const detail = s.locator('acm-security-page .posture-detail');
      await detail.locator('table.jails tr[data-jail="asterisk"]').waitFor();
      expect((await detail.locator('table.jails tr[data-jail="asterisk"]').innerText()).replace(/\s+/g, ' ')).toContain('4 310 2 17 203.0.113.7 203.0.113.9');
      expect(await detail.locator('details.chain[data-chain="INPUT"] summary').innerText()).toMatch(/INPUT\s+policy DROP\s+2 rules, 91,234 packets/);
      expect(await detail.locator('details.chain[data-chain="INPUT"] tbody tr').count()).toBe(2);
      expect(await detail.locator('table.blacklist tr[data-address="192.0.2.50"]').count()).toBe(1);
      expect(await s.locator('acm-security-page tr[data-server="tpa1-ast1"]').innerText()).toMatch(/2 jails, 2 banned · 2 iptables chains · 1 blacklisted/);

      await detail.getByRole('button', { name: 'Raw output' }).click();
      await poll(() => detail.locator('pre.raw-output').first().innerText()).toContain('Jail list:\tasterisk, sshd');
      expect(requests).toContain(`GET /api/plugins/security/servers/${server.id}/posture?raw=1`);
      await s.evaluate(() => window.scrollTo(0, 0));
      await s.screenshot({ path: `${SHOTS}/acm-security-posture.png`, fullPage: true });
      await detail.getByRole('button', { name: 'Hide raw output' }).click();

      await s.getByLabel('Block an address').fill('not-an-address!');
      await s.route((u) => u.pathname === `/api/plugins/security/servers/${server.id}/blacklist`, (route) => route.fulfill({
        status: 422, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:acm:validation', title: 'Validation failed', status: 422, detail: 'address: not an IP address', problems: [{ field: 'address', message: 'not an IPv4 or IPv6 address or network' }] }),
      }), { times: 1 });
      await detail.getByRole('button', { name: 'Block' }).click();
      await poll(() => detail.locator('#bl-error').innerText()).toBe('not an IPv4 or IPv6 address or network');

      await s.getByLabel('Block an address').fill('203.0.113.99');
      await detail.getByRole('button', { name: 'Block' }).click();
      await detail.locator('table.blacklist tr[data-address="203.0.113.99"]').waitFor();
      expect(requests).toContain(`POST /api/plugins/security/servers/${server.id}/blacklist`);
      expect(await s.getByLabel('Block an address').inputValue()).toBe('');

      await detail.getByRole('button', { name: 'Remove 203.0.113.99' }).click();
      const confirm = s.getByRole('dialog', { name: 'Confirm' });
      expect(await confirm.innerText()).toContain('Remove 203.0.113.99 from the blacklist of tpa1-ast1?');
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await detail.locator('table.blacklist tr[data-address="203.0.113.99"]').waitFor({ state: 'detached' });
      expect(requests).toContain(`DELETE /api/plugins/security/servers/${server.id}/blacklist`);
    } finally {
      await s.unroute(mine);
    }
  });

  it('reports what the real server says when it cannot change its blacklist', async () => {
    // The simulators answer no iptables command: the plugin says so (502) and audits the attempt.
    await s.getByRole('button', { name: 'Open posture of tpa1-ast2' }).click();
    const detail = s.locator('acm-security-page .posture-detail');
    await poll(() => detail.locator('h3').innerText()).toBe('tpa1-ast2');
    await detail.locator('ul.posture-errors li').first().waitFor();
    expect(await detail.innerText()).toContain('The firewall was not readable');
    await s.getByLabel('Block an address').fill('203.0.113.98');
    const logged = h.consoleErrors.length;
    await detail.getByRole('button', { name: 'Block' }).click();
    await poll(() => detail.locator('#bl-error').innerText()).toMatch(/^The server refused the change/);
    // The browser logs the expected 502 as a failed resource: that one entry is not an error of the page.
    const extra = h.consoleErrors.splice(logged);
    expect(extra.filter((e) => !/status of 502/.test(e))).toEqual([]);
    const audit = (await h.k.admin.json('GET', '/api/audit?q=security.blacklist.add&pageSize=5')).body.items as { after: { address: string; ok: boolean } }[];
    expect(audit.find((a) => a.after?.address === '203.0.113.98')?.after.ok).toBe(false);
    await s.goto(`${h.url}/#/security`);
    await s.locator('acm-security-page table.findings tbody tr[data-rule]').first().waitFor();
    await s.locator('acm-security-page table.auth-trail tbody tr').first().waitFor();
    await s.evaluate(() => window.scrollTo(0, 0));
    await s.screenshot({ path: `${SHOTS}/acm-security.png`, fullPage: true });
  });

  it('fits a tablet (820×1180): the menu folds behind a button and wide tables scroll inside their box', async () => {
    await s.setViewportSize({ width: 820, height: 1180 });
    const overflow = () => s.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const [route, ready, shot] of [
      ['/#/', 'acm-status-home .tile', 'home'], ['/#/extensions', 'acm-table tbody tr[data-id]', 'extensions'],
      ['/#/group-status', 'acm-group-status tbody tr[data-id]', 'group-status'], ['/#/security', 'acm-security-page table.findings tbody tr[data-rule]', 'security'],
    ] as const) {
      await s.goto(h.url + route);
      await s.locator(ready).first().waitFor();
      expect(await overflow(), `${route} scrolls sideways`).toBeLessThanOrEqual(0);
      // The changes count and Commit stay in the top bar.
      expect(await s.locator('.topbar .changes .count').isVisible()).toBe(true);
      expect(await s.getByRole('button', { name: 'Commit', exact: true }).isVisible()).toBe(true);
      await s.screenshot({ path: `${SHOTS}/acm-tablet-${shot}.png`, fullPage: true });
    }
    // Wide tables scroll within their wrapper, not the page.
    const wraps = await s.locator('acm-security-page .table-wrap').evaluateAll((els) => els.map((e) => e.scrollWidth > e.clientWidth ? getComputedStyle(e).overflowX : 'fits'));
    expect(wraps.every((w) => w === 'fits' || w === 'auto')).toBe(true);
    const nav = s.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    const toggle = s.getByRole('button', { name: 'Menu' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await nav.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await s.screenshot({ path: `${SHOTS}/acm-tablet-menu.png` });
    // Escape, or a tap beside the menu, closes it; picking a page does too.
    await nav.getByRole('link', { name: 'Home', exact: true }).focus();
    await s.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await s.locator('.nav-scrim').click({ position: { x: 700, y: 600 } });
    await nav.waitFor({ state: 'hidden' });
    await toggle.click();
    await nav.getByRole('link', { name: 'Extensions', exact: true }).click();
    await s.waitForURL(/#\/extensions$/);
    await nav.waitFor({ state: 'hidden' });
    await s.setViewportSize({ width: 1280, height: 860 });
  });

  it('logged no console errors on the security page', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});
