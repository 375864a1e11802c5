import { signDevToken, type Caller } from '@saf/auth';

/**
 * Demo applications (SPEC section 10), filed through the gateway as people would: 低保 applications
 * for households of 伊宁市 at every stage a fresh system can reach (an approval needs the 7 days of
 * notice to have run), the households the assessment finds ineligible kept as planted cases (one
 * left assessed, one rejected with the reason), those already receiving 低保 showing the finding.
 * Only where no application exists yet; development tokens, so never in production.
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

export async function seedApplications(gatewayUrl: string, log: (line: string) => void = () => {}): Promise<Record<string, number>> {
  const ask = async <T>(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string }[] }> => {
    const token = await signDevToken(caller, { expiresIn: '10m' });
    const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE[caller.role] }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: T; errors?: { message: string }[] };
  };
  const existing = await ask<{ applications: { totalCount: number } }>(COORDINATOR, `{ applications(regionCode: "65", first: 1) { totalCount } }`);
  if (existing.errors || (existing.data?.applications.totalCount ?? 0) > 0) return {};
  const list = await ask<{ householdsInRegion: { edges: { node: Household }[] } }>(FILER, `query DemoHouseholds { householdsInRegion(regionCode: "${REGION}", first: 24) { edges { node { id hukou members { id deathDate } } } } }`);
  const households = list.data?.householdsInRegion.edges.map((e) => e.node) ?? [];
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
  for (const [i, id] of ineligible.entries()) {
    await advance(FILER, id, 'RECORD_VISIT', '入户调查：家庭收入或财产超过条件');
    if (i % 2 === 1) {
      await advance(REVIEWER, id, 'REVIEW', '乡镇审核：报县民政局审批');
      await advance(OFFICER, id, 'REJECT', '经核对，家庭人均收入不低于当地低保标准或持有商业用房，不予批准');
    }
  }
  const counts = await ask<{ applications: { edges: { node: { stage: string } }[] } }>(COORDINATOR, `{ applications(regionCode: "65", first: 100) { edges { node { stage } } } }`);
  const byStage: Record<string, number> = {};
  for (const e of counts.data?.applications.edges ?? []) byStage[e.node.stage] = (byStage[e.node.stage] ?? 0) + 1;
  log(`demo applications: ${Object.entries(byStage).map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  return byStage;
}
