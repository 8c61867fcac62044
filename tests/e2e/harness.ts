import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { ROOT_DIR } from '../../core/app.ts';
import { createHttpApp, listen } from '../../core/http/server.ts';
import { attachEvents } from '../../core/http/events.ts';
import { startDemo, type RunningDemo } from '../../core/demo/demo.ts';
import { startTestKernel, TEST_ADMIN_PASSWORD, type TestKernel, type TestPlugin } from '../../sdk/testing/kernel.ts';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface UiHarness {
  k: TestKernel;
  demo?: RunningDemo;
  /** The web app's base URL (the API plus uiMiddleware, as `acm serve` mounts it). */
  url: string;
  browser: Browser;
  /** Console errors and page errors seen so far, for the "no console errors" check. */
  consoleErrors: string[];
  newPage(): Promise<Page>;
  login(page: Page, username?: string, password?: string): Promise<void>;
  stop(): Promise<void>;
}

/** `connectServers`: connect to the servers a test adds (the demo always does). */
export interface UiOptions { demo?: boolean; plugins?: TestPlugin[]; connectServers?: boolean }

/**
 * Starts acm with the demo enterprise (simulated Asterisk, live calls), an HTTP server with the
 * API and the web app composed as `acm serve` does (createHttpApp + uiMiddleware + WebSocket),
 * and one headless Chromium. `plugins`: only these (startTestKernel's), instead of the repository's.
 */
export async function startUi(opts: UiOptions = {}): Promise<UiHarness> {
  // ssh2 occasionally generates an ed25519 host key it cannot parse back (a leading zero byte,
  // ~1 in 500 keys; the demo makes ten): the simulator then fails to start. Retry that alone.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startUiOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/Malformed OpenSSH public key/.test(String(err))) throw err;
    }
  }
}

async function startUiOnce(opts: UiOptions): Promise<UiHarness> {
  let demo: RunningDemo | undefined;
  const k = await startTestKernel({
    connectServers: !!opts.demo || !!opts.connectServers, ...(opts.plugins ? { plugins: opts.plugins } : {}),
    connection: { keepAliveMs: 0, actionTimeoutMs: 3000, reconnect: { initialMs: 100, maxMs: 500 } },
    beforeConnect: opts.demo ? async (acm) => { demo = await startDemo(acm, ROOT_DIR, { stepMs: 400 }); } : undefined,
  });
  const app = createHttpApp(k.acm);
  let server: Server;
  let browser: Browser | undefined;
  try {
    server = await listen(app, 0, '127.0.0.1');
    attachEvents(server, k.acm);
    browser = await chromium.launch({ executablePath: process.env.ACM_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 20_000 });
  } catch (err) {
    await k.stop();
    await demo?.stop();
    throw err;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const consoleErrors: string[] = [];
  const h: UiHarness = {
    k, demo, url, browser, consoleErrors,
    async newPage() {
      const ctx = await browser!.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
      const page = await ctx.newPage();
      page.setDefaultTimeout(5000);
      page.on('console', (m: ConsoleMessage) => {
        // A failed login answers 401 by design; the browser logs every 4xx resource as an error.
        if (m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      return page;
    },
    async login(page, username = 'admin', password = TEST_ADMIN_PASSWORD) {
      await page.goto(url + '/');
      await page.getByLabel('User name').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    async stop() {
      await browser?.close().catch(() => {});
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await k.stop();
      await demo?.stop();
    },
  };
  return h;
}
