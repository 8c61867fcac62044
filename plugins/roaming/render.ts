import { ConfWriter, confName, dialplanToken, fileHeader, objectNames, type ClusterSnapshotView, type DeployFile } from '../../sdk/index.ts';
import type { RoamingPlan } from './plan.ts';
import { contexts, dundiContext, entityId, keyName } from './names.ts';

export interface RoamingSettings { iaxPort: number; dundiPort: number; keysDir: string; ringSeconds: number }

/**
 * iax.conf peers: one friend per linked cluster. We call it as `IAX2/<its name>/<number>`,
 * presenting our own name signed with our active key; it calls us presenting its name, and we
 * accept any of its current keys (colon-separated inkeys: the overlap of a rotation).
 */
export function renderIax(s: ClusterSnapshotView, plan: RoamingPlan, o: RoamingSettings): string {
  const w = new ConfWriter(['general']);
  fileHeader(w, s, 'iax.conf roaming links');
  if (!plan.self.signsWith) return w.toString();
  for (const p of plan.peers) {
    if (!p.host || !p.signsWith) continue;
    w.blank().section(p.name)
      .set('type', 'friend')
      .set('host', p.host)
      .set('port', o.iaxPort)
      .set('username', plan.self.name)
      .set('auth', 'rsa')
      .set('inkeys', p.accepted.join(':'))
      .set('outkey', plan.self.signsWith)
      .set('context', contexts.incoming(s.tenant))
      .set('qualify', 'yes')
      .set('description', `roaming link to ${confName(p.cluster.name, 'cluster name')}`);
  }
  return w.toString();
}

/**
 * dundi.conf: this cluster's entity, what it answers (one mapping per weight onto the
 * published-numbers context of that weight) and its peers, symmetric, RSA-signed. pbx_dundi reads
 * the first [general] and [mappings] only: the site's dundi.conf holds nothing but the include.
 */
export function renderDundi(s: ClusterSnapshotView, plan: RoamingPlan, o: RoamingSettings): string {
  const w = new ConfWriter();
  fileHeader(w, s, 'dundi.conf roaming lookups');
  if (!plan.self.signsWith || !plan.peers.length) return w.toString();
  const ctx = dundiContext(s.tenant);
  w.blank().section('general')
    .set('entityid', entityId(s.cluster.id))
    .set('bindaddr', s.cluster.sipBindAddress)
    .set('port', o.dundiPort)
    .set('ttl', 32)
    .set('autokill', 'yes');
  w.blank().section('mappings');
  for (const weight of [...new Set(plan.published.map((p) => p.weight))]) {
    w.arrow(ctx, `${contexts.published(s.tenant, weight)},${weight},IAX2,${plan.self.name}/\${NUMBER},nopartial`, 'mapping');
  }
  for (const p of plan.peers) {
    if (!p.host || !p.signsWith) continue;
    w.blank().section(entityId(p.cluster.id), { eid: true })
      .set('model', 'symmetric')
      .set('host', p.host)
      .set('port', o.dundiPort)
      // One inkey per DUNDi peer: the key it signs with now (its session key outlives a switch).
      .set('inkey', p.signsWith)
      .set('outkey', plan.self.signsWith)
      .set('include', ctx)
      .set('permit', ctx)
      .set('qualify', 'yes');
  }
  return w.toString();
}

/** A number as the dialplan gets it (digits, `*#+`), or the render is refused. */
const number = (n: string) => {
  if (!/^[0-9*#+]{1,20}$/.test(n)) throw new Error(`roaming number "${n.slice(0, 20)}" is not digits`);
  return dialplanToken(n, 'number');
};

/** The step an extension runs when its own phone cannot take the call: the same number at another site, unless the call came from one. */
export const fallbackStep = (s: ClusterSnapshotView, num: string) =>
  `GosubIf($["\${ACM_ROAMED}" = ""]?${contexts.dial(s.tenant)},s,1(${number(num)}))`;

/**
 * Dialplan: numbers that live on other clusters are looked up when dialled (included into the
 * tenant's internal context, after its own extensions); the lookup tries each DUNDi answer in
 * weight order until one can take the call; calls from another site arrive in `roaming-in`
 * marked ACM_ROAMED (no second lookup, no loop); published numbers exist for DUNDi to answer.
 * DUNDi answers come from other servers: only `IAX2/` routes made of name characters are dialled.
 */
export function renderRoamingDialplan(s: ClusterSnapshotView, plan: RoamingPlan, o: RoamingSettings): string {
  const t = s.tenant;
  const w = new ConfWriter(['general', 'globals']);
  fileHeader(w, s, 'extensions.conf roaming contexts');
  if (!plan.self.signsWith || !plan.peers.length) return w.toString();
  const dial = contexts.dial(t);
  if (plan.remote.length) {
    w.blank().section(objectNames.internal(t)).raw(`include => ${contexts.lookup(t)}`);
    w.blank().comment('numbers of other sites').section(contexts.lookup(t));
    for (const n of plan.remote) {
      w.raw(`exten => ${number(n)},1,Gosub(${dial},s,1(${number(n)}))`);
      w.same('n,Hangup()');
    }
  }
  w.blank().comment('DUNDi lookup, then each answer in weight order').section(dial);
  w.raw(`exten => s,1,Set(ACM_RQ=\${DUNDIQUERY(\${FILTER(0-9*#+,\${ARG1})},${dundiContext(t)})})`);
  w.same('n,Set(ACM_RN=${DUNDIRESULT(${ACM_RQ},getnum)})');
  w.same('n,Set(ACM_RI=0)');
  w.same('n(next),Set(ACM_RI=$[${ACM_RI} + 1])');
  w.same('n,GotoIf($[${ACM_RI} > ${ACM_RN}]?done)');
  w.same('n,Set(ACM_RT=${FILTER(A-Za-z0-9/_\\-,${DUNDIRESULT(${ACM_RQ},${ACM_RI})})})');
  w.same('n,GotoIf($["${ACM_RT:0:5}" != "IAX2/"]?next)');
  w.same(`n,Dial(\${ACM_RT},${o.ringSeconds})`);
  w.same('n,GotoIf($["${DIALSTATUS}" = "CHANUNAVAIL" | "${DIALSTATUS}" = "CONGESTION"]?next)');
  w.same('n(done),Return()');
  const published = [...new Set(plan.published.map((p) => p.number))];
  if (published.length) {
    w.blank().comment('calls from other sites').section(contexts.incoming(t));
    for (const n of published) {
      w.raw(`exten => ${number(n)},1,Set(ACM_ROAMED=1)`);
      w.same(`n,Goto(${objectNames.internal(t)},${number(n)},1)`);
    }
  }
  for (const weight of [...new Set(plan.published.map((p) => p.weight))]) {
    w.blank().comment(`answered over DUNDi with weight ${weight}`).section(contexts.published(t, weight));
    for (const p of plan.published.filter((x) => x.weight === weight)) w.raw(`exten => ${number(p.number)},1,NoOp()`);
  }
  return w.toString();
}

/**
 * Key files for every server of the cluster: its own pairs (the private key masked in diffs and
 * sealed in revisions) and the public keys of its peers. Old keys are pruned by the target.
 */
export function keyFiles(s: ClusterSnapshotView, plan: RoamingPlan, o: RoamingSettings): DeployFile[] {
  if (!plan.peers.length) return [];
  const files: DeployFile[] = [];
  for (const server of s.servers) {
    for (const k of plan.self.keys) {
      const name = keyName(s.tenant, s.cluster.id, k.id);
      files.push({ serverId: server.id, path: `${o.keysDir}/${name}.key`, content: k.privateKey, secrets: [k.privateKey] });
      files.push({ serverId: server.id, path: `${o.keysDir}/${name}.pub`, content: k.publicKey });
    }
    for (const p of plan.peers) {
      for (const k of p.publicKeys) files.push({ serverId: server.id, path: `${o.keysDir}/${k.name}.pub`, content: k.pem });
    }
  }
  return files;
}
