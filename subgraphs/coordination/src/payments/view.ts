import type { Caller } from '@saf/auth';
import { defaultPaymentRuleSet, joinList } from '@saf/rules';
import { forbidden, inJurisdiction, isBound } from '@saf/service';
import { maskedId } from '../findingView.ts';
import type { PaymentFindingRow } from '../db/schema.ts';

/**
 * What of a payment finding a caller may see: the one place that decides it, on every path (the
 * lists, by id, the review's answer, the history). Payment findings are account data (SPEC
 * section 11): the coordination office (all of it, or its jurisdiction) and the officers of a
 * department whose payments the finding names (the persons it paid); caseworkers, analysts and
 * auditors never. A finding that also names persons the caller may not see is shown without them,
 * as duplicate-aid findings are (findingView.ts): their IDs, payments and awards out, no household
 * numbers, an explanation written for the caller, an id of its own, no reviewers' notes.
 */
export type PaymentFindingView = PaymentFindingRow & { outsideJurisdiction: string[]; masked: boolean; storedId: string };

/** Who may read payment findings at all: FORBIDDEN for everyone but the coordination office and department officers. */
export function assertMayReadPaymentFindings(caller: Caller | null): Caller {
  if (!caller || (caller.role !== 'COORDINATOR' && caller.role !== 'DEPARTMENT_OFFICER')) {
    throw forbidden("payment findings are for the coordination office and the paying departments' officers");
  }
  if (caller.role === 'DEPARTMENT_OFFICER' && !caller.department) throw forbidden('an officer without a department sees no payment findings');
  return caller;
}

function visiblePersons(caller: Caller, f: PaymentFindingRow): Set<string> {
  if (!isBound(caller)) return new Set(f.personIds);
  const visible = new Set<string>();
  for (const party of f.parties) {
    const byOfficer = caller.role === 'DEPARTMENT_OFFICER' && party.paymentKeys.some((k) => k.startsWith(`${caller.department}:`));
    const byRegion = caller.role === 'COORDINATOR' && !!party.regionCode && inJurisdiction(caller, party.regionCode);
    if (byOfficer || byRegion) visible.add(party.personId);
  }
  return visible;
}

export function paymentFindingFor(caller: Caller, f: PaymentFindingRow, maskKey: Buffer): PaymentFindingView | null {
  const visible = visiblePersons(caller, f);
  if (!visible.size) return null;
  const hidden = f.personIds.filter((id) => !visible.has(id));
  if (!hidden.length) return { ...f, outsideJurisdiction: [], masked: false, storedId: f.id };
  const shown = f.parties.filter((p) => visible.has(p.personId));
  const paymentKeys = shown.flatMap((p) => p.paymentKeys).sort();
  const awardKeys = [...new Set(shown.flatMap((p) => p.awardKeys))].sort();
  const places = [...new Set(f.parties.filter((p) => !visible.has(p.personId)).map((p) => (p.regionCode ?? '').slice(0, 6)).filter(Boolean))].sort();
  const rule = defaultPaymentRuleSet.rules.find((r) => r.code === f.rule);
  const who = { zh: joinList([...visible].sort(), 'zh'), en: joinList([...visible].sort(), 'en') };
  return {
    ...f,
    id: maskedId(maskKey, f.id),
    personIds: f.personIds.filter((id) => visible.has(id)),
    householdIds: [],
    paymentKeys,
    paymentIds: paymentKeys.map((k) => k.slice(k.indexOf(':') + 1)),
    awardKeys,
    awardIds: awardKeys.map((k) => k.slice(k.indexOf(':') + 1)),
    departments: f.departments.filter((d) => paymentKeys.some((k) => k.startsWith(`${d}:`))),
    parties: shown,
    explanation: `${who.zh} 有一条资金发放线索（${rule?.nameZh ?? f.rule}，${f.period}），另涉及 ${hidden.length} 人（不在您的查看范围）；请联系社会救助工作领导小组办公室核实。`,
    explanationEn: `${who.en} is in a payment finding (${rule?.nameEn ?? f.rule}, ${f.period}) that also involves ${hidden.length} person(s) you may not see; contact the social assistance coordination office to verify.`,
    outsideJurisdiction: places,
    masked: true,
    storedId: f.id,
  };
}
