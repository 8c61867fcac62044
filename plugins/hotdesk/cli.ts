import type { Command } from 'commander';
import type { Principal } from '../../sdk/index.ts';
import type { Sessions } from './sessions.ts';

export interface CliDeps {
  sessions: Sessions;
  clusters(): Promise<{ id: number; name: string }[]>;
  print(line: string): void;
}

/** `acm hotdesk login <user> <phone> --cluster <name>`, `logout (--user <ext> | --phone <ext>)`, `status`. */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  const clusterId = async (name: string | undefined): Promise<number> => {
    const all = await d.clusters();
    const c = name ? all.find((x) => x.name === name || String(x.id) === name) : all.length === 1 ? all[0] : undefined;
    if (!c) throw new Error(name ? `no cluster ${name}` : 'name the cluster: --cluster <name>');
    return c.id;
  };
  group.command('login <user> <phone>').description('log user extension <user> in at hot-desk phone <phone>').option('--cluster <name>')
    .action(async (user: string, phone: string, o: { cluster?: string }) => {
      const r = await d.sessions.login(operator, { clusterId: await clusterId(o.cluster), user, phone }, 'cli');
      d.print(`${r.user} logged in at ${r.phone} (${r.servers} server(s))`);
    });
  group.command('logout').description('log a user out, or whoever is at a phone').option('--cluster <name>').option('--user <ext>').option('--phone <ext>')
    .action(async (o: { cluster?: string; user?: string; phone?: string }) => {
      await d.sessions.logout(operator, { clusterId: await clusterId(o.cluster), ...(o.user ? { user: o.user } : {}), ...(o.phone ? { phone: o.phone } : {}) }, 'cli');
      d.print(`logged out ${o.user ?? `the user at ${o.phone}`}`);
    });
  group.command('status').description('who is logged in where').option('--cluster <name>').option('--json')
    .action(async (o: { cluster?: string; json?: boolean }) => {
      const rows = await d.sessions.list(operator, o.cluster ? await clusterId(o.cluster) : undefined);
      if (o.json) { d.print(JSON.stringify(rows)); return; }
      if (!rows.length) { d.print('nobody is logged in'); return; }
      for (const r of rows) d.print(`${r.user}\tat ${r.phone}\tsince ${r.since.toISOString()}\t(${r.source})`);
    });
}
