import { randomBytes } from 'node:crypto';
import { LOADER, createRequestSigner, signDevToken, type Caller } from '@saf/auth';

/**
 * Demo applications (SPEC section 10), filed through the gateway as people would: 低保 applications
 * for households of 伊宁市 at every stage, the households the assessment finds ineligible kept as
 * planted cases (left assessed, rejected with the reason, one rejection under appeal 复核), those
 * already receiving 低保 showing the finding. Approved ones need the 7 days of notice to have run:
 * they are brought in as the archive of applications decided weeks ago (coordination's
 * `/archive/applications`, signed as the loader), each step dated in the past; the office checks
 * the history against the rules, assembles the check and writes the award as an approval would
 * have. Only where no application exists yet; development tokens, so never in production.
 */
const REGION = '654002';
const FILER: Caller = { sub: 'demo-caseworker-1', role: 'CASEWORKER', region: REGION };
const REVIEWER: Caller = { sub: 'demo-caseworker-2', role: 'CASEWORKER', region: REGION };
const OFFICER: Caller = { sub: 'demo-civil-affairs', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' };
const COORDINATOR: Caller = { sub: 'demo-coordinator', role: 'COORDINATOR' };
const PURPOSE: Record<Caller['role'], string> = { CASEWORKER: 'MINIMUM_LIVING_REVIEW', DEPARTMENT_OFFICER: 'MINIMUM_LIVING_REVIEW', COORDINATOR: 'SUPERVISION', ANALYST: 'STATISTICS', AUDITOR: 'AUDIT' };

interface Household {
  id: string;
  hukou: string;
  members: { id: string; deathDate: string | null }[];
}

/** Where coordination's own routes are and the secret the loader signs them with (the archive of decided applications). */
export interface ArchiveTarget {
  /** Coordination's GraphQL URL; its routes are beside it. */
  url: string;
  secret: Buffer;
}

const DAY_MS = 86_400_000;

/** A 低保 application decided weeks ago, each step dated: filed, visited, reviewed, in notice, (objected and resolved), approved after the 7 days. */
function approvedHistory(h: Household, applicant: string, daysAgo: number, objection: boolean) {
  const at = (days: number, hour = 10) => new Date(Date.now() - days * DAY_MS - (Date.now() % DAY_MS) + (hour - 8) * 3_600_000).toISOString();
  const filed = at(daysAgo);
  const id = `APP-${new Date(Date.parse(filed) + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`;
  const events = [
    { action: 'SUBMIT', by: FILER.sub, byRole: 'CASEWORKER', at: filed, note: '家庭收入低于当地低保标准，申请最低生活保障' },
    { action: 'RECORD_VISIT', by: FILER.sub, byRole: 'CASEWORKER', at: at(daysAgo - 2), note: '入户调查：情况属实' },
    { action: 'REVIEW', by: REVIEWER.sub, byRole: 'CASEWORKER', at: at(daysAgo - 5), note: '乡镇审核通过' },
    { action: 'START_NOTICE', by: REVIEWER.sub, byRole: 'CASEWORKER', at: at(daysAgo - 6), note: '在社区公示栏公示' },
    ...(objection
      ? [
          { action: 'OBJECT', by: REVIEWER.sub, byRole: 'CASEWORKER', at: at(daysAgo - 8), note: '群众反映家中有车辆' },
          { action: 'RESOLVE_OBJECTION', by: OFFICER.sub, byRole: 'DEPARTMENT_OFFICER', at: at(daysAgo - 10), note: '经核实车辆已于前年转让，异议不成立' },
        ]
      : []),
    { action: 'APPROVE', by: OFFICER.sub, byRole: 'DEPARTMENT_OFFICER', at: at(daysAgo - 15), note: '同意纳入最低生活保障' },
  ];
  return { id, householdId: h.id, personId: applicant, programme: h.hukou === 'RURAL' ? 'MINIMUM_LIVING_RURAL' : 'MINIMUM_LIVING_URBAN', reason: events[0]!.note, consentSignedBy: applicant, consentSignedOn: filed.slice(0, 10), events };
}

/** Brings the decided applications in; the households whose history the office refuses (ineligible) are returned to be filed as usual. */
async function bringInArchive(target: ArchiveTarget, candidates: Household[]): Promise<Household[]> {
  const apps = candidates.map((h, i) => approvedHistory(h, h.members.find((m) => !m.deathDate)!.id, 40 - 5 * i, i % 2 === 1));
  const url = new URL('/archive/applications', target.url);
  const body = JSON.stringify({ applications: apps });
  const sign = createRequestSigner({ secret: target.secret, from: LOADER, to: 'coordination' });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign({ method: 'POST', path: url.pathname, body, caller: null }) }, body });
  if (!res.ok) throw new Error(`the archive of decided applications was refused (${res.status}): ${await res.text()}`);
  const { results } = (await res.json()) as { results: { id: string; stage?: string; error?: string }[] };
  return candidates.filter((_, i) => results[i]?.stage === undefined);
}

export async function seedApplications(gatewayUrl: string, log: (line: string) => void = () => {}, archive?: ArchiveTarget): Promise<Record<string, number>> {
  const ask = async <T>(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string }[] }> => {
    const token = await signDevToken(caller, { expiresIn: '10m' });
    const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE[caller.role] }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: T; errors?: { message: string }[] };
  };
  const existing = await ask<{ applications: { totalCount: number } }>(COORDINATOR, `{ applications(regionCode: "65", first: 1) { totalCount } }`);
  if (existing.errors || (existing.data?.applications.totalCount ?? 0) > 0) return {};
  const list = await ask<{ householdsInRegion: { edges: { node: Household }[] } }>(FILER, `query DemoHouseholds { householdsInRegion(regionCode: "${REGION}", first: 24) { edges { node { id hukou members { id deathDate } } } } }`);
  let households = (list.data?.householdsInRegion.edges.map((e) => e.node) ?? []).filter((h) => h.members.some((m) => !m.deathDate));
  // The first few as applications approved weeks ago (those the office finds ineligible are filed below instead).
  if (archive) {
    const candidates = households.slice(0, 4);
    households = [...(await bringInArchive(archive, candidates)), ...households.slice(4)];
  }
  const advance = (caller: Caller, id: string, action: string, note: string) =>
    ask(caller, `mutation DemoStep($id: ID!, $action: ApplicationAction!, $note: String!) { advanceApplication(id: $id, action: $action, note: $note) { stage } }`, { id, action, note });
  const eligible: string[] = [];
  const ineligible: string[] = [];
  for (const h of households) {
    const living = h.members.filter((m) => !m.deathDate);
    if (!living.length) continue;
    const filed = await ask<{ submitApplication: { id: string; assessment: { eligible: boolean | null } | null } }>(
      FILER,
      `mutation DemoFile($input: ApplicationInput!) { submitApplication(input: $input) { id assessment { eligible } } }`,
      { input: { householdId: h.id, personId: living[0]!.id, programme: h.hukou === 'RURAL' ? 'MINIMUM_LIVING_RURAL' : 'MINIMUM_LIVING_URBAN', reason: '家庭收入低于当地低保标准，申请最低生活保障', consentSignedBy: living[0]!.id, consentSignedOn: new Date().toISOString().slice(0, 10) } },
    );
    const app = filed.data?.submitApplication;
    if (!app) continue;
    (app.assessment?.eligible === false ? ineligible : eligible).push(app.id);
  }
  // Eligible ones along the way, one stage further each; ineligible ones as planted cases.
  const plan: [string, string][][] = [
    [],
    [['RECORD_VISIT', '入户调查：情况属实']],
    [['RECORD_VISIT', '入户调查：情况属实'], ['REVIEW', '乡镇审核通过']],
    [['RECORD_VISIT', '入户调查：情况属实'], ['REVIEW', '乡镇审核通过'], ['START_NOTICE', '在社区公示栏公示']],
    [['RECORD_VISIT', '入户调查：情况属实'], ['REVIEW', '乡镇审核通过'], ['START_NOTICE', '在社区公示栏公示'], ['OBJECT', '群众反映家中有经营收入']],
    [['RECORD_VISIT', '入户调查'], ['WITHDRAW', '申请人撤回申请']],
  ];
  const by = (action: string) => (action === 'REVIEW' || action === 'START_NOTICE' || action === 'OBJECT' ? REVIEWER : action === 'REJECT' ? OFFICER : FILER);
  for (const [i, id] of eligible.entries()) for (const [action, note] of plan[i % plan.length]!) await advance(by(action), id, action, note);
  // Ineligible ones: rejected with the reason, one of them appealed (复核, back to review), others left assessed.
  for (const [i, id] of ineligible.entries()) {
    await advance(FILER, id, 'RECORD_VISIT', '入户调查：家庭收入或财产超过条件');
    if (i % 3 === 2) continue;
    await advance(REVIEWER, id, 'REVIEW', '乡镇审核：报县民政局审批');
    await advance(OFFICER, id, 'REJECT', '经核对，家庭人均收入不低于当地低保标准或持有商业用房，不予批准');
    if (i % 3 === 1) await advance(FILER, id, 'APPEAL', '申请人对审批结果有异议，申请复核');
  }
  const counts = await ask<{ applications: { edges: { node: { stage: string } }[] } }>(COORDINATOR, `{ applications(regionCode: "65", first: 100) { edges { node { stage } } } }`);
  const byStage: Record<string, number> = {};
  for (const e of counts.data?.applications.edges ?? []) byStage[e.node.stage] = (byStage[e.node.stage] ?? 0) + 1;
  log(`demo applications: ${Object.entries(byStage).map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  return byStage;
}
