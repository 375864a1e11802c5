/**
 * The aid of an ordinary household, built so that it breaks no duplicate-aid rule: at most one
 * 低保 or 特困 per person, housing aid for one member only, nothing exclusive combined. Drafts
 * still pass the household ledger (awards.ts) before they are written.
 */
import * as aid from './aid.ts';
import type { AwardDraft, CertificateDraft } from './awards.ts';
import { AS_OF, FIRST_DAY, LAST_DAY, addDays, addMonths, addYears, ageOn, dayBefore, maxDate, minDate, monthStart, nextMonthStart, randomDate, yearOf } from './dates.ts';
import type { Household, Member } from './households.ts';
import type { Rng } from './random.ts';
import type { Registry } from './registry.ts';
import { isPaying } from './rules.ts';
import { continuingSpell, fixedStatus, onceSpell, type Spell } from './spells.ts';

export interface HouseholdAid {
  awards: AwardDraft[];
  certificates: (CertificateDraft & { id: string })[];
}

const age = (m: Member): number => ageOn(m.birthDate, AS_OF);
const adultFrom = (m: Member): string => addYears(m.birthDate, 18);
const alive = (m: Member): boolean => m.deathDate === null;

/** An earlier 低保 spell that ended one to six months before the current one began. */
function priorSpell(rng: Rng, current: string): Spell {
  const startDate = monthStart(randomDate(rng, FIRST_DAY, addMonths(current, -9)));
  return { status: 'ENDED', startDate, endDate: dayBefore(addMonths(current, -rng.int(1, 6))) };
}

/**
 * `allDepartments`: the four-member household of SPEC's benchmarks, with aid from every department
 * (低保 for all, a school-age child's 两免一补, a job for the head, housing, legal aid, a disabled member).
 */
export function backgroundAid(rng: Rng, registry: Registry, hh: Household, allDepartments: boolean): HouseholdAid {
  const out: HouseholdAid = { awards: [], certificates: [] };
  const { place, members } = hh;
  const urban = hh.hukou === 'URBAN';
  const head = members[0]!;
  const all = allDepartments;
  const add = (programme: string, person: Member, spell: Spell, frequency: AwardDraft['frequency'], amountFen: number, details: Record<string, unknown>) => {
    out.awards.push({ programme, person, amountFen, frequency, startDate: spell.startDate, endDate: spell.endDate, status: spell.status, details });
  };

  // 民政: 低保 for the household, or 特困 for someone who lives alone.
  const covered: { member: Member; spell: Spell; extreme: boolean }[] = [];
  let centralized = false;
  const alone = members.length === 1;
  const core = all ? 'MIN'
    : alone && age(head) >= 60 ? rng.weighted([['EXTREME', 50], ['MIN', 40], ['NONE', 10]] as const)
    : alone && rng.chance(0.15) ? 'EXTREME'
    : rng.chance(0.62) ? 'MIN' : 'NONE';
  if (core === 'EXTREME') {
    centralized = age(head) >= 60 && rng.chance(0.4);
    const spell = continuingSpell(rng, FIRST_DAY)!;
    const a = aid.extremePoverty(rng, centralized, spell.startDate, place);
    add(centralized ? 'EXTREME_POVERTY_CENTRALIZED' : 'EXTREME_POVERTY_DISPERSED', head, spell, 'MONTHLY', a.amountFen, a.details);
    covered.push({ member: head, spell, extreme: true });
  } else if (core === 'MIN') {
    const spell = continuingSpell(rng, FIRST_DAY)!;
    const programme = urban ? 'MINIMUM_LIVING_URBAN' : 'MINIMUM_LIVING_RURAL';
    const who = all || rng.chance(0.85) ? members : members.filter((_, i) => i === 0 || rng.chance(0.5));
    const spells = spell.status === 'ACTIVE' && spell.startDate >= '2020-07-01' && rng.chance(0.2) ? [priorSpell(rng, spell.startDate), spell] : [spell];
    const amounts = spells.map((s) => aid.minimumLiving(rng, urban, s.startDate, place, members.length));
    for (const member of who) {
      spells.forEach((s, i) => {
        // Someone born during the spell is covered from the next month.
        const startDate = maxDate(s.startDate, nextMonthStart(member.birthDate));
        if (s.endDate !== null && startDate > s.endDate) return;
        add(programme, member, { ...s, startDate }, 'MONTHLY', amounts[i]!.amountFen, amounts[i]!.details);
      });
      covered.push({ member, spell, extreme: false });
    }
  }

  // 卫健/医保: premiums and medical assistance for those under 低保 or 特困.
  for (const { member, spell, extreme } of covered) {
    if (!isPaying(spell.status)) continue;
    if (rng.chance(0.7)) {
      const last = Math.min(2026, spell.endDate === null ? 2026 : yearOf(spell.endDate));
      const first = Math.max(yearOf(spell.startDate), yearOf(member.birthDate), last - rng.weighted([[0, 60], [1, 25], [2, 15]]));
      for (let year = first; year <= last; year++) {
        const endDate = `${year}-12-31`;
        const a = aid.premiumSubsidy(year, extreme);
        add('INSURANCE_PREMIUM_SUBSIDY', member, { status: fixedStatus(rng, endDate), startDate: maxDate(`${year}-01-01`, member.birthDate), endDate }, 'YEARLY', a.amountFen, a.details);
      }
    }
    if (rng.chance(age(member) >= 60 ? 0.35 : 0.15)) {
      for (let i = rng.int(1, 2); i > 0; i--) {
        const s = onceSpell(rng, maxDate(spell.startDate, member.birthDate), minDate(spell.endDate ?? AS_OF, AS_OF));
        if (!s) continue;
        const inpatient = rng.chance(0.4);
        const a = aid.medicalAssistance(rng, inpatient, place, extreme);
        const discharged = inpatient ? addDays(s.startDate, rng.int(3, 20)) : null;
        add(inpatient ? 'MEDICAL_ASSISTANCE_INPATIENT' : 'MEDICAL_ASSISTANCE_OUTPATIENT', member, { ...s, endDate: discharged }, 'ONCE', a.amountFen, a.details);
      }
    }
  }
  if (all && !out.awards.some((a) => a.programme === 'INSURANCE_PREMIUM_SUBSIDY')) {
    const a = aid.premiumSubsidy(2026, false);
    add('INSURANCE_PREMIUM_SUBSIDY', head, { status: 'ACTIVE', startDate: '2026-01-01', endDate: '2026-12-31' }, 'YEARLY', a.amountFen, a.details);
  }

  // 教育: student aid for the children of assisted families (and of some low-income ones).
  if (all || covered.length > 0 || hh.type === 'GRANDPARENT_CARE' || rng.chance(0.2)) {
    for (const m of members) if (m.relation === 'CHILD' || m.relation === 'GRANDCHILD') schooling(m);
  }

  // 人社: one working-age member in work programmes.
  const workers = members.filter((m) => alive(m) && age(m) >= 18 && age(m) <= 59);
  if (workers.length > 0 && (all || rng.chance(0.3))) {
    const worker = all ? head : rng.pick(workers);
    labour(worker, rng.weighted([['UNEMPLOYMENT_INSURANCE', 25], ['PUBLIC_WELFARE_JOB', 35], ['REEMPLOYMENT_SUPPORT', 15], ['TRAINING_SUBSIDY', 15], ['JOB_PLACEMENT_SUBSIDY', 10]] as const));
    if (rng.chance(0.2)) labour(worker, 'TRAINING_SUBSIDY');
  }

  // 残联: certificates, subsidies, rehabilitation.
  const designated = all ? (members[3]?.relation === 'PARENT' ? members[3] : members[1]) : undefined;
  for (const m of members) {
    const p = m === designated ? 1 : age(m) >= 60 ? 0.1 : age(m) >= 18 ? 0.05 : 0.02;
    if (!rng.chance(p)) continue;
    const from = maxDate('2010-01-01', addYears(m.birthDate, 1));
    const to = minDate(m.deathDate ?? '2025-12-31', '2025-12-31');
    if (from > to) continue;
    const issuedDate = randomDate(rng, from, to);
    const { category, grade } = aid.disability(rng);
    const validUntil = rng.chance(0.4) ? null : dayBefore(addYears(issuedDate, ageOn(m.birthDate, issuedDate) < 16 ? 5 : 10));
    const id = `DPF-${registry.tag}${registry.next('certificate')}`;
    out.certificates.push({ id, person: m, category, grade, issuedDate, validUntil });
    const coveredAs = covered.find((c) => c.member === m);
    // 困难残疾人生活补贴 goes to 低保 members; 特困 already includes it (the pair is exclusive).
    if (coveredAs && !coveredAs.extreme && (m === designated || rng.chance(0.7))) {
      const s = continuingSpell(rng, issuedDate);
      if (s) add('DISABILITY_LIVING_SUBSIDY', m, s, 'MONTHLY', rng.step(8_000, 15_000, 500), { certificateId: id });
    }
    if (grade <= 2 && rng.chance(0.8)) {
      const s = continuingSpell(rng, issuedDate);
      if (s) add('SEVERE_DISABILITY_NURSING_SUBSIDY', m, s, 'MONTHLY', rng.step(10_000, 20_000, 500), { certificateId: id });
    }
    if (rng.chance(0.2)) {
      const s = onceSpell(rng, issuedDate);
      const a = aid.rehabilitation(rng, place, category, age(m) < 16);
      if (s) add('REHABILITATION_AID', m, s, 'ONCE', a.amountFen, a.details);
    }
  }

  // 住建: housing aid goes to one adult of the household (never to someone in an institution).
  const holder = members.find((m) => alive(m) && age(m) >= 18) ?? head;
  if (urban && !centralized) {
    const kind = all ? rng.weighted([['RENTAL_SUBSIDY', 70], ['LOW_RENT_HOUSING', 30]] as const)
      : covered.length > 0 ? rng.weighted([['RENTAL_SUBSIDY', 35], ['LOW_RENT_HOUSING', 12], ['NONE', 53]] as const)
      : rng.chance(0.04) ? 'AFFORDABLE_HOUSING' : 'NONE';
    if (kind === 'AFFORDABLE_HOUSING') {
      const s = onceSpell(rng, adultFrom(holder));
      const a = aid.affordableHousing(rng, place);
      if (s) add(kind, holder, s, 'ONCE', a.amountFen, a.details);
    } else if (kind !== 'NONE') {
      const s = continuingSpell(rng, adultFrom(holder));
      const a = kind === 'RENTAL_SUBSIDY' ? aid.rentalSubsidy(rng, members.length) : aid.lowRentHousing(rng, place);
      if (s) add(kind, holder, s, 'MONTHLY', a.amountFen, a.details);
    }
  } else if (!urban && (all || rng.chance(0.15))) {
    const s = onceSpell(rng, adultFrom(holder));
    if (s) {
      const r = aid.ruralRenovation(rng, s.startDate);
      const done = r.completedDate !== null && isPaying(s.status);
      add('RURAL_HOUSING_RENOVATION', holder, { ...s, status: s.status === 'ENDED' && !done ? 'ACTIVE' : s.status }, 'ONCE', r.amountFen, done ? { renovationType: r.renovationType, completedDate: r.completedDate } : { renovationType: r.renovationType });
    }
  }

  // 司法: legal aid cases.
  if (all || rng.chance(0.06)) {
    for (let n = rng.chance(0.15) ? 2 : 1; n > 0; n--) {
      const client = all ? head : rng.pick(members.filter((m) => age(m) >= 18).concat(head));
      const s = onceSpell(rng, adultFrom(client));
      if (!s) continue;
      const la = aid.legalAid(rng, place);
      const ongoing = s.status === 'ACTIVE' || (s.status === 'ENDED' && s.startDate > '2025-06-30' && rng.chance(0.5));
      const status = ongoing ? 'ACTIVE' : s.status;
      const stage = status === 'ENDED' ? 'CLOSED' : status === 'ACTIVE' ? rng.pick(['ACCEPTED', 'ASSIGNED', 'IN_PROGRESS'] as const) : 'APPLIED';
      const endDate = status === 'ENDED' ? minDate(addDays(s.startDate, rng.int(30, 300)), AS_OF) : null;
      add('LEGAL_AID', client, { status, startDate: s.startDate, endDate }, 'ONCE', la.amountFen, { caseType: la.caseType, stage, lawFirm: la.lawFirm });
    }
  }

  // 民政: temporary assistance, disaster relief, orphans, entitled groups.
  if (rng.chance(0.08)) {
    const s = onceSpell(rng, adultFrom(holder));
    const a = aid.temporaryAssistance(rng);
    if (s) add('TEMPORARY_ASSISTANCE', holder, s, 'ONCE', a.amountFen, a.details);
  }
  if (rng.chance(urban ? 0.02 : 0.08)) {
    const d = aid.disasterRelief(rng, place.county, randomDate(rng, FIRST_DAY, addDays(AS_OF, -5)));
    add('DISASTER_RELIEF', holder, { status: d.startDate > '2026-05-15' ? 'ACTIVE' : 'ENDED', startDate: d.startDate, endDate: null }, 'ONCE', d.amountFen, d.details);
  }
  if (hh.type === 'GRANDPARENT_CARE') {
    for (const m of members) {
      if (m.relation !== 'GRANDCHILD' || !rng.chance(0.5)) continue;
      const s = continuingSpell(rng, m.birthDate);
      if (!s) continue;
      // The allowance stops at 18.
      const last = dayBefore(addYears(m.birthDate, 18));
      if (s.startDate > last) continue;
      const endDate = s.endDate === null || s.endDate > last ? (last <= LAST_DAY ? last : s.endDate) : s.endDate;
      const status = endDate !== null && endDate < AS_OF && s.status === 'ACTIVE' ? 'ENDED' : s.status;
      const a = aid.orphanAllowance(rng);
      add('ORPHAN_ALLOWANCE', m, { status, startDate: s.startDate, endDate }, 'MONTHLY', a.amountFen, a.details);
    }
  }
  for (const m of members) {
    if (m.gender !== 'MALE' || age(m) < 65 || !rng.chance(0.04)) continue;
    const s = continuingSpell(rng, FIRST_DAY);
    const a = aid.entitledCare(rng);
    if (s) add('ENTITLED_GROUPS_CARE', m, s, 'MONTHLY', a.amountFen, a.details);
  }
  return out;

  function schooling(m: Member): void {
    const vocational = rng.chance(0.3);
    const boarding = !urban && rng.chance(0.5);
    const loan = rng.chance(0.5);
    const waiver = rng.chance(0.5);
    const schools = new Map<aid.Stage, string>();
    for (let year = 2025 - rng.weighted([[0, 55], [1, 30], [2, 15]]); year <= 2025; year++) {
      const at = aid.stageAt(ageOn(m.birthDate, `${year}-09-01`), vocational);
      if (!at) continue;
      const school = schools.get(at.stage) ?? aid.schoolName(rng, at.stage, place);
      schools.set(at.stage, school);
      const details = { school, stage: at.stage, schoolYear: `${year}-${year + 1}`, ...(at.grade === undefined ? {} : { grade: at.grade }) };
      const spell = { startDate: `${year}-09-01`, endDate: `${year + 1}-07-15` };
      const programmes =
        at.stage === 'PRIMARY' || at.stage === 'JUNIOR_SECONDARY' ? ['TWO_EXEMPTIONS_ONE_SUBSIDY']
        : at.stage === 'PRESCHOOL' ? ['STUDENT_GRANT']
        : at.stage === 'HIGHER' ? ['STUDENT_GRANT', ...(loan ? ['STUDENT_LOAN'] : [])]
        : ['STUDENT_GRANT', ...(waiver ? ['TUITION_WAIVER'] : [])];
      for (const programme of programmes) {
        const amountFen = aid.studentAid(rng, programme, at.stage, boarding);
        const extra = programme === 'STUDENT_LOAN' ? { bank: '国家开发银行', principalFen: amountFen } : {};
        add(programme, m, { ...spell, status: fixedStatus(rng, spell.endDate) }, 'YEARLY', amountFen, { ...details, ...extra });
      }
      const awardedOn = `${year}-11-${rng.int(10, 28)}`;
      if (at.stage === 'HIGHER' && awardedOn <= AS_OF && rng.chance(0.12)) {
        add('SCHOLARSHIP', m, { status: 'ENDED', startDate: awardedOn, endDate: null }, 'ONCE', aid.studentAid(rng, 'SCHOLARSHIP', at.stage, false), details);
      }
    }
  }

  function labour(worker: Member, programme: 'UNEMPLOYMENT_INSURANCE' | 'PUBLIC_WELFARE_JOB' | 'REEMPLOYMENT_SUPPORT' | 'TRAINING_SUBSIDY' | 'JOB_PLACEMENT_SUBSIDY'): void {
    const from = maxDate(FIRST_DAY, adultFrom(worker));
    switch (programme) {
      case 'UNEMPLOYMENT_INSURANCE': {
        const ui = aid.unemploymentInsurance(rng, place);
        const latest = minDate('2026-05-01', addMonths('2027-01-01', -ui.months));
        if (from > latest) return;
        const startDate = monthStart(randomDate(rng, from, latest));
        const endDate = dayBefore(addMonths(startDate, ui.months));
        add(programme, worker, { status: endDate < AS_OF ? 'ENDED' : 'ACTIVE', startDate, endDate }, 'MONTHLY', ui.amountFen, ui.details);
        return;
      }
      case 'PUBLIC_WELFARE_JOB':
      case 'REEMPLOYMENT_SUPPORT': {
        const s = continuingSpell(rng, from);
        if (!s) return;
        const a = programme === 'PUBLIC_WELFARE_JOB' ? aid.publicWelfareJob(rng, place) : aid.reemploymentSupport(rng, place, s.startDate);
        add(programme, worker, s, 'MONTHLY', a.amountFen, a.details);
        return;
      }
      case 'TRAINING_SUBSIDY': {
        const s = onceSpell(rng, from);
        if (!s) return;
        const t = aid.training(rng, place);
        add(programme, worker, { ...s, endDate: addDays(s.startDate, t.days - 1) }, 'ONCE', t.amountFen, t.details);
        return;
      }
      case 'JOB_PLACEMENT_SUBSIDY': {
        const s = onceSpell(rng, from);
        const a = aid.jobPlacement(rng, place);
        if (s) add(programme, worker, s, 'ONCE', a.amountFen, a.details);
      }
    }
  }
}
