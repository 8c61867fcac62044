import type { AmiEvent, OutboxService } from '../../sdk/index.ts';
import type { AgentView } from './api/index.ts';
import type { CtiHook } from './entities.ts';

type Log = { warn(obj: object, msg: string): void };

/**
 * CTI for CRM screen-pops: each enabled hook of the call's tenant gets a webhook (JSON `data`)
 * per agent event (`{ event: 'agent', agent }`) and per call offered to an agent (AgentCalled:
 * `{ event: 'offered', queue, caller, agent }`), through the core's outbox, so a CRM that is
 * down gets them when it is back.
 */
export class CtiPublisher {
  constructor(private outbox: OutboxService, private hooks: () => readonly CtiHook[], private log: Log) {}

  private send(tenantId: number, kind: CtiHook['events'][number], key: string, subject: string, data: Record<string, unknown>): void {
    for (const h of this.hooks().filter((x) => x.tenantId === tenantId && x.events.includes(kind))) {
      void this.outbox.enqueue({ channel: 'webhook', target: h.url, tenantId, ref: `cti:${h.id}`, dedupeKey: `${kind}:${key}`.slice(0, 191), subject, message: { text: subject, data } })
        .catch((err: Error) => this.log.warn({ err: err.message, hook: h.id }, 'CTI webhook not queued'));
    }
  }

  agent(e: AmiEvent, a: AgentView): void {
    this.send(e.tenantId, 'agent', `${e.serverId}:${e.receivedAt}:${a.queue}:${a.interface}:${a.state}`, `agent ${a.interface} ${a.state} in ${a.queue}`, { event: 'agent', agent: a });
  }

  offered(e: AmiEvent, agent: AgentView | undefined): void {
    const f = e.fields;
    if (!f.Queue || !f.Interface) return;
    const caller = { number: f.CallerIDNum ?? null, name: f.CallerIDName ?? null, channel: f.Channel ?? null, uniqueid: f.Uniqueid ?? null };
    this.send(e.tenantId, 'offered', `${e.serverId}:${f.Uniqueid}:${f.Interface}`, `call from ${caller.number ?? 'unknown'} offered to ${f.Interface} in ${f.Queue}`, {
      event: 'offered', queue: f.Queue, caller, agent: agent ?? { interface: f.Interface, name: f.MemberName ?? f.Interface },
    });
  }
}
