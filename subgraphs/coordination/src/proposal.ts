import type { Caller } from '@saf/auth';
import { isValidIsoDate, isRegionCode, parseResidentId } from '@saf/identity';
import { FREQUENCIES, programme, type Frequency } from '@saf/programmes';
import { checkProposal, type RuleAward } from '@saf/rules';
import { assertPersonLevel, badInput, forbidden, isBound, notFound, unavailable } from '@saf/service';
import type { Context } from './context.ts';
import { GraphRequestError } from './graph.ts';
import { asSeenBy } from './live.ts';
import { PROPOSAL_CONTEXT } from './queries.ts';
import { gatherAwards, rulePersons, type PersonRepresentation } from './requires.ts';

export interface ProposedAwardInput {
  id?: string | null;
  department: string;
  programme: string;
  personId: string;
  householdId?: string | null;
  regionCode: string;
  amountFen: number;
  frequency: string;
  startDate: string;
  endDate?: string | null;
}

/** The same checks the loader makes, so a proposal that could not be loaded is refused too. */
function validate(input: ProposedAwardInput): RuleAward {
  const info = programme(input.programme);
  if (!info) throw badInput(`unknown programme ${input.programme}`, 'programme');
  if (info.department !== input.department) throw badInput(`${input.programme} belongs to ${info.department}, not ${input.department}`, 'programme');
  const id = parseResidentId(input.personId);
  if (!id.ok) throw badInput(`personId: invalid resident ID: ${id.error}`, 'personId');
  if (!isRegionCode(input.regionCode)) throw badInput('regionCode must be a region code of 6, 9 or 12 digits', 'regionCode');
  if (!Number.isInteger(input.amountFen) || input.amountFen < 0) throw badInput('amountFen must be a non-negative integer', 'amountFen');
  if (!(FREQUENCIES as readonly string[]).includes(input.frequency)) throw badInput(`frequency must be one of ${FREQUENCIES.join(', ')}`, 'frequency');
  if (!isValidIsoDate(input.startDate)) throw badInput('startDate must be a date YYYY-MM-DD', 'startDate');
  if (input.endDate != null && !isValidIsoDate(input.endDate)) throw badInput('endDate must be a date YYYY-MM-DD', 'endDate');
  if (input.endDate != null && input.endDate < input.startDate) throw badInput('endDate is before startDate', 'endDate');
  return {
    department: input.department,
    id: input.id ?? 'PROPOSED',
    programme: input.programme,
    personId: input.personId,
    householdId: input.householdId ?? null,
    startDate: input.startDate,
    endDate: input.endDate ?? null,
    frequency: input.frequency as Frequency,
    status: 'PENDING',
  };
}

/** Findings the proposed award would cause, against the person's and household's current awards, PENDING included. */
export async function checkProposedAward(ctx: Context, input: ProposedAwardInput, viewer?: Caller) {
  const caller = assertPersonLevel(ctx.caller);
  if (caller.role === 'DEPARTMENT_OFFICER' && caller.department !== input.department) throw forbidden(`an officer of ${caller.department} checks ${caller.department} awards only`);
  const proposed = validate(input);
  // Read as the caller: civil affairs applies their jurisdiction to the person.
  // Civil affairs answers FORBIDDEN alike for a person elsewhere and for none (to a bound caller):
  // so does this check, whatever the proposal says.
  const hidden = () => forbidden('this person is outside your jurisdiction or not registered');
  const data = await ctx.graph.request<{ person: PersonRepresentation | null }>(PROPOSAL_CONTEXT, { personId: proposed.personId }, caller, ctx.purpose).catch((err: unknown) => {
    if (err instanceof GraphRequestError && err.errors.some((e) => e.extensions?.code === 'FORBIDDEN')) throw hidden();
    // A check on part of the awards could miss a finding: refuse it, naming who is missing.
    const services = err instanceof GraphRequestError ? [...new Set(err.errors.map((e) => e.extensions?.serviceName).filter((s): s is string => !!s))] : [];
    if (services.length) throw unavailable(`the check needs every department's awards; ${services.join(', ')} did not answer`, { services });
    throw err;
  });
  const person = data.person;
  if (!person && isBound(caller)) throw hidden();
  if (!person) throw notFound(`person ${proposed.personId} is not registered with civil affairs`);
  const household = person.household;
  const persons = household ? rulePersons(household) : [{ id: person.id, householdId: null, deathDate: person.deathDate ?? null }];
  const awards = gatherAwards(household ? [person, household, ...(household.members ?? [])] : [person]);
  const { ruleSet } = await ctx.rules.current();
  const found = checkProposal({ proposed, persons, awards, ruleSet }).map((f) => ({ ...f, status: 'OPEN', firstSeenAt: null, goneAt: null, history: [] }));
  return asSeenBy(ctx, found, [person, ...(household?.members ?? [])], viewer);
}
