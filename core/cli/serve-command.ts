import type { Command } from 'commander';
import { createAcm, ROOT_DIR, type Acm } from '../app.ts';
import { startDemo, type RunningDemo } from '../demo/demo.ts';
import { startBackupSchedule } from '../backup/schedule.ts';
import { createHttpApp, listen } from '../http/server.ts';
import { attachEvents } from '../http/events.ts';
import { tlsSettings } from '../http/tls.ts';

/**
 * Scheduled backups when ACM_BACKUP_DIR (a local directory) or ACM_BACKUP_SFTP
 * (user@host[:port]:/path) is set: every ACM_BACKUP_EVERY_HOURS (default 24), keeping
 * ACM_BACKUP_KEEP archives (default 7).
 */
function scheduledBackups(acm: Acm): { stop(): void } | undefined {
  const dir = process.env.ACM_BACKUP_DIR;
  const sftp = process.env.ACM_BACKUP_SFTP;
  if (!dir && !sftp) return undefined;
  const schedule = startBackupSchedule(acm, {
    everyMs: Number(process.env.ACM_BACKUP_EVERY_HOURS ?? 24) * 3_600_000,
    keep: Number(process.env.ACM_BACKUP_KEEP ?? 7),
    ...(dir ? { dir } : { sftp }),
  });
  acm.logger.info({ to: dir ?? sftp }, 'scheduled backups on');
  return schedule;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** `acm serve`: the one command that runs the HTTP server (API, UI, /api/events) and the plugins. */
export function registerServeCommand(program: Command, envOptions: () => { site: string; dbUrl?: string; dataDir: string }): void {
  program.command('serve').description('run the HTTP API and the plugins')
    .option('-p, --port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to listen on', process.env.ACM_HOST ?? '0.0.0.0')
    .option('--demo', 'run the site on simulated Asterisk servers, loading sites/<site>/seed.yaml into an empty database')
    .action(async (opts: { port: string; host: string; demo?: boolean }) => {
      let demo: RunningDemo | undefined;
      // Before anything starts: a half-configured certificate stops acm here.
      const tls = await tlsSettings({ dataDir: envOptions().dataDir, demo: !!opts.demo, listenHost: opts.host });
      const acm = await createAcm({
        ...envOptions(),
        beforeConnect: opts.demo ? async (a) => {
          demo = await startDemo(a, ROOT_DIR);
          a.logger.info({ simulators: demo.simulators.size, seeded: demo.seeded }, 'demo enterprise running on simulated Asterisk servers');
        } : undefined,
        onAdminCreated: (u, p, generated) => console.log(generated ? `Created user "${u}" with password: ${p} (shown once)` : `Created user "${u}" with the password from ACM_ADMIN_PASSWORD`),
      });
      const server = await listen(createHttpApp(acm), Number(opts.port), opts.host, tls);
      attachEvents(server, acm);
      if (demo) {
        const outcomes = await demo.deploy();
        acm.logger.info({ clusters: outcomes.map((o) => `${o.cluster}: ${o.status}${o.error ? ` (${o.error})` : ''}`) }, 'demo configuration deployed');
      }
      const shown = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
      console.log(`acm is running at ${tls ? 'https' : 'http'}://${shown}:${opts.port}/ (site ${acm.site})`);
      if (tls) console.log(`TLS certificate ${tls.certFile} (${tls.source === 'given' ? 'ACM_TLS_CERT' : `self-signed, ${tls.source}`}), valid until ${tls.notAfter.toISOString()}, SHA-256 fingerprint ${tls.fingerprint}`);
      else if (!isLoopback(opts.host)) acm.logger.warn({ host: opts.host }, 'serving plain HTTP on a network address: only behind a TLS-terminating proxy (ACM_HTTP=1) or for the demo');
      const backups = scheduledBackups(acm);
      const stop = async () => {
        server.close();
        backups?.stop();
        await acm.close();
        await demo?.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
