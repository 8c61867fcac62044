import type { EntityManager } from '../../../sdk/index.ts';
import { AttemptSchema, DncSchema, LeadSchema, type Campaign, type Lead } from '../entities.ts';
import { dialRules, mayDial } from './eligibility.ts';
import { importLeads, type DncLists, type SkippedRow } from './import.ts';

/*
 * Leads as the database keeps them: an import into a campaign, the DNC lists a dial is judged
 * against, the per-lead results file and the campaign report.
 */

/**
 * The tenant's DNC numbers and the global ones (kept by the provider's tenant, `global`); with
 * `numbers`, only those of them (a register such as the TPS holds millions: a dial reads its few).
 */
export async function loadDnc(em: EntityManager, tenantId: number, numbers?: readonly string[]): Promise<DncLists> {
  const rows = await em.find(DncSchema, { $or: [{ tenantId }, { global: true }], ...(numbers ? { number: { $in: [...numbers] } } : {}) });
  return {
    tenant: new Set(rows.filter((r) => r.tenantId === tenantId).map((r) => r.number)),
    global: new Set(rows.filter((r) => r.global).map((r) => r.number)),
  };
}

export interface ImportReport {
  imported: number;
  skipped: SkippedRow[];
  /** Imported, but outside calling hours now: first eligible then. */
  deferred: { line: number; number: string; reason: string; nextAt: string }[];
  customFields: string[];
}

/** Imports a CSV into a campaign; the file as a whole is refused with `error` when it is not lead CSV. */
export async function importIntoCampaign(em: EntityManager, campaign: Campaign, csv: string | Uint8Array, now = Date.now()): Promise<ImportReport | { error: string }> {
  const dnc = await loadDnc(em, campaign.tenantId);
  const result = importLeads(csv, { defaultCountry: campaign.defaultCountry, dnc, now });
  if (!result.ok) return { error: result.error };
  const existing = new Set((await em.find(LeadSchema, { campaignId: campaign.id }, { fields: ['number'] })).map((l) => l.number));
  const rules = { rules: dialRules(campaign.rules), dnc };
  const skipped = [...result.skipped];
  const deferred: ImportReport['deferred'] = [];
  let imported = 0;
  for (const lead of result.leads) {
    if (existing.has(lead.number)) { skipped.push({ line: lead.line, number: lead.number, reason: `${lead.number} is already a lead of the campaign` }); continue; }
    const verdict = mayDial(lead, rules, now, []);
    if (!verdict.ok && !('nextAt' in verdict)) { skipped.push({ line: lead.line, number: lead.number, reason: verdict.detail }); continue; }
    const nextAt = verdict.ok ? null : new Date(verdict.nextAt);
    if (!verdict.ok) deferred.push({ line: lead.line, number: lead.number, reason: verdict.detail, nextAt: new Date(verdict.nextAt).toISOString() });
    em.create(LeadSchema, {
      tenantId: campaign.tenantId, siteId: campaign.siteId, clusterId: campaign.clusterId, campaignId: campaign.id,
      line: lead.line, number: lead.number, name: lead.name ?? null, timezone: lead.timezone, timezoneSource: lead.timezoneSource,
      fields: lead.fields, status: 'pending', attempts: 0, nextAt,
    } as Lead);
    imported++;
  }
  await em.flush();
  skipped.sort((a, b) => a.line - b.line);
  return { imported, skipped, deferred, customFields: result.customFields };
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const FORMULA = /^[=+\-@\t\r]/;
const cell = (v: string | number | null | undefined, text = true): string => {
  let s = v === null || v === undefined ? '' : String(v);
  if (text && FORMULA.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line per lead: its fields, where it stands, its attempts and the last outcome. */
export async function resultsCsv(em: EntityManager, campaignId: number): Promise<string> {
  const leads = await em.find(LeadSchema, { campaignId }, { orderBy: { line: 'asc' } });
  const attempts = await em.find(AttemptSchema, { campaignId }, { orderBy: { at: 'asc' } });
  const last = new Map(attempts.map((a) => [a.leadId, a]));
  const custom = [...new Set(leads.flatMap((l) => Object.keys(l.fields)))];
  const header = ['number', 'name', 'timezone', 'status', 'result', 'attempts', 'last_attempt_at', 'last_outcome', 'abandoned', ...custom];
  const lines = [header.join(',')];
  for (const l of leads) {
    const a = last.get(l.id);
    lines.push([
      cell(l.number, false), cell(l.name), cell(l.timezone), l.status, cell(l.result), l.attempts,
      a ? a.at.toISOString() : '', a?.outcome ?? '', a ? String(a.abandoned) : '',
      ...custom.map((f) => cell(l.fields[f])),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface CampaignReport {
  campaignId: number;
  leads: Record<string, number>;
  attempts: number;
  outcomes: Record<string, number>;
  liveAnswered: number;
  abandoned: number;
  /** Abandoned / live-answered in %, over the campaign and per UTC day (null: nothing answered). */
  abandonPercent: number | null;
  days: { day: string; liveAnswered: number; abandoned: number; abandonPercent: number | null }[];
  /** Seconds from answer to hang-up of the calls that reached a person. */
  talkSeconds: number;
}

const pct = (a: number, live: number) => (live ? Math.round((a / live) * 10_000) / 100 : null);

export async function campaignReport(em: EntityManager, campaignId: number): Promise<CampaignReport> {
  const leads = await em.find(LeadSchema, { campaignId }, { fields: ['status'] });
  const attempts = await em.find(AttemptSchema, { campaignId });
  const byStatus: Record<string, number> = {};
  for (const l of leads) byStatus[l.status] = (byStatus[l.status] ?? 0) + 1;
  const outcomes: Record<string, number> = {};
  const days = new Map<string, { liveAnswered: number; abandoned: number }>();
  let talk = 0;
  for (const a of attempts) {
    outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
    if (a.outcome !== 'answered') continue;
    const d = a.at.toISOString().slice(0, 10);
    const day = days.get(d) ?? { liveAnswered: 0, abandoned: 0 };
    day.liveAnswered++;
    if (a.abandoned) day.abandoned++;
    days.set(d, day);
    if (!a.abandoned && a.answeredAt && a.endedAt) talk += (a.endedAt.getTime() - a.answeredAt.getTime()) / 1000;
  }
  const live = outcomes.answered ?? 0;
  const abandoned = attempts.filter((a) => a.abandoned).length;
  return {
    campaignId, leads: byStatus, attempts: attempts.length, outcomes, liveAnswered: live, abandoned,
    abandonPercent: pct(abandoned, live),
    days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v, abandonPercent: pct(v.abandoned, v.liveAnswered) })),
    talkSeconds: Math.round(talk),
  };
}
