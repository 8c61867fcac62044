import { objectNames, tenantPrefix, type ClusterSnapshotView, type CommitProblem, type CommitValidator } from '../../sdk/index.ts';
import { contexts, mailboxContext, resolve, type Destination } from './destination.ts';
import { promptProblem } from '../recordings/api/index.ts';
import type { Lookups } from './graph.ts';
import { localDate } from './hours-time.ts';
import { rendered, trunkContext, trunkRoutes, type InboundData } from './render.ts';

/**
 * Before a commit: every destination of what the cluster renders still exists there (a queue,
 * menu, hours or extension deleted since), and every route can be told apart by the context its
 * trunk's calls land in.
 */
export function inboundValidator(data: (s: ClusterSnapshotView) => Promise<InboundData>, look: Lookups): CommitValidator {
  return {
    async validate(s) {
      const d = await data(s);
      const { ivrs, announcements, hours, targets } = rendered(s, d);
      const problems: CommitProblem[] = [];
      const tz = s.site.timezone || 'UTC';
      try {
        localDate(new Date(), tz);
      } catch {
        // The site's schema takes any Area/Location text; the hours' one-off dates need a zone that exists.
        if (hours.length) problems.push({ object: `site ${s.site.name}`, field: 'timezone', message: `"${tz}" is not an IANA time zone; business hours need one`, severity: 'error' });
      }
      const check = (object: string, field: string, dest: Destination, inHours?: number) => {
        const r = resolve(s, dest, targets, inHours);
        if ('missing' in r) problems.push({ object, field, message: `the destination is gone: ${r.missing}`, severity: 'error' });
      };
      for (const h of hours) for (const [k, dest] of Object.entries(h.destinations)) check(`business hours ${h.name}`, `destinations.${k}`, dest, h.id);
      for (const a of announcements) check(`announcement ${a.name}`, 'then', a.then);
      // An uploaded prompt deleted (or its plugin disabled) since: the call would play silence.
      for (const [object, sound] of [...ivrs.map((i) => [`IVR ${i.name}`, i.prompt]), ...announcements.map((a) => [`announcement ${a.name}`, a.prompt])]) {
        const why = await promptProblem(look.recordings(), s.tenant.id, sound!);
        if (why) problems.push({ object: object!, field: 'prompt', message: why, severity: 'error' });
      }
      for (const i of ivrs) {
        i.options.forEach((o, n) => check(`IVR ${i.name}`, `options.${n}.destination`, o.destination));
        check(`IVR ${i.name}`, 'invalid', i.invalid);
        check(`IVR ${i.name}`, 'timeoutDestination', i.timeoutDestination);
      }
      const routes = d.routes.filter((r) => r.clusterId === s.cluster.id);
      for (const r of routes) {
        const object = `inbound route ${r.id}${r.did ? ` (DID ${r.did})` : ' (catch-all)'}`;
        check(object, 'destination', r.destination);
        const tr = r.trunkId == null ? undefined : s.trunks.find((t) => t.id === r.trunkId);
        if (r.trunkId != null && !tr) problems.push({ object, field: 'trunkId', message: `trunk ${r.trunkId} is no longer on cluster ${s.cluster.name}`, severity: 'error' });
        if (!tr) continue;
        const shared = s.trunks.filter((t) => t.id !== tr.id && trunkContext(s, t) === trunkContext(s, tr));
        if (shared.length) {
          problems.push({ object, field: 'trunkId', severity: 'error', message: `trunk ${tr.name} shares the context ${trunkContext(s, tr)} with trunk ${shared.map((t) => t.name).join(', ')}: their calls cannot be told apart; give it a context of its own` });
        }
      }
      for (const tr of s.trunks) {
        if (trunkContext(s, tr) !== objectNames.internal(s.tenant)) continue;
        for (const r of trunkRoutes(s, d.routes, tr).filter((x) => !x.did)) {
          problems.push({
            object: `inbound route ${r.id} (catch-all)`, field: 'did', severity: r.trunkId == null ? 'warning' : 'error',
            message: `trunk ${tr.name} has no context of its own: its calls land in the internal context, where a catch-all would take the phones' outside calls too; not rendered for it`,
          });
        }
      }
      // A core context of the same name would merge with one of these (pbx_config adds to a context it already has).
      const mine = new Map<string, string>([
        ...hours.map((h): [string, string] => [contexts.hours(s, h.name), `business hours ${h.name}`]),
        ...ivrs.map((i): [string, string] => [contexts.ivr(s, i.name), `IVR ${i.name}`]),
        ...announcements.map((a): [string, string] => [contexts.announcement(s, a.name), `announcement ${a.name}`]),
        ...s.trunks.map((t): [string, string] => [contexts.trunk(s, t), `the routes of trunk ${t.name}`]),
      ]);
      const core: [string, string | null | undefined][] = [
        ...s.trunks.map((t): [string, string | null | undefined] => [`trunk ${t.name}`, t.context]),
        ...s.groups.map((g): [string, string | null | undefined] => [`group ${g.name}`, g.context]),
        ...s.extensions.map((e): [string, string | null | undefined] => [`extension ${e.extension}`, e.context]),
      ];
      for (const [object, ctx] of core) {
        const what = ctx ? mine.get(objectNames.context(s.tenant, ctx)) : undefined;
        if (what) problems.push({ object, field: 'context', severity: 'error', message: `the context ${ctx} is the one acm renders for ${what}; name another` });
      }
      // voicemail.conf: app_voicemail reads the boxes of the first [groups] only; an extension's must not be a second one.
      if (d.mailboxes.some((m) => m.clusterId === s.cluster.id)) {
        const groups = mailboxContext(s.tenant);
        for (const e of s.extensions) {
          const vmCtx = e.mailbox?.split('@')[1];
          if (vmCtx && `${tenantPrefix(s.tenant)}${vmCtx}`.toLowerCase() === groups.toLowerCase()) {
            problems.push({ object: `extension ${e.extension}`, field: 'mailbox', severity: 'error', message: `the voicemail context ${vmCtx} is the one acm renders for group mailboxes; name another` });
          }
        }
      }
      return problems;
    },
  };
}
