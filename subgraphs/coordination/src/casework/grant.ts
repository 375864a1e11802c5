import { GraphQLError } from 'graphql';
import { createRequestSigner } from '@saf/auth';
import { department as departmentInfo, programme as programmeInfo, type Department } from '@saf/programmes';
import { unavailable } from '@saf/service';
import type { Context } from '../context.ts';
import type { ApplicationRow } from '../db/applications.ts';
import type { Assessment } from './assessment.ts';

/** How the office reaches a department's own routes: its URL and the secret it shares with it. */
export interface DepartmentLinks {
  /** The department subgraph's GraphQL URL (its routes are beside it). */
  url(subgraph: string): string;
  secret(subgraph: string): Buffer;
}

/**
 * An award request that failed. `nothingWritten`: the department certainly wrote nothing (it
 * refused, or the connection was refused before anything was sent); otherwise the outcome is not
 * known (a timeout, a reset, or the awards written and their entry in civil affairs' register not).
 */
export class GrantFailure extends Error {
  constructor(
    readonly error: GraphQLError,
    readonly nothingWritten: boolean,
  ) {
    super(error.message);
  }
}

const refusedConnection = (err: unknown) => {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND';
};

async function send(ctx: Context, dept: Department, applicationId: string, records: object[]): Promise<void> {
  const subgraph = departmentInfo(dept).subgraph;
  const base = new URL(ctx.departments.url(subgraph));
  const url = new URL('/grants', base);
  const body = JSON.stringify({ applicationId, records });
  const sign = createRequestSigner({ secret: ctx.departments.secret(subgraph), from: 'coordination', to: subgraph });
  const headers = { 'content-type': 'application/json', ...sign({ method: 'POST', path: url.pathname, body, caller: ctx.caller }) };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    if (refusedConnection(err)) throw new GrantFailure(unavailable(`${dept} did not answer: the award was not created and the application stays in notice (${(err as Error).message})`, { services: [subgraph] }), true);
    throw new GrantFailure(unavailable(`${dept} did not confirm the award (${(err as Error).message}): the approval is unconfirmed; approve again to complete it (the same awards are written once)`, { services: [subgraph] }), false);
  }
  if (!res.ok) {
    const detail = await res.text().catch(() => '');
    ctx.log.error({ status: res.status, detail, applicationId, department: dept }, 'a department refused an approved application’s award');
    throw new GrantFailure(unavailable(`${dept} refused the award (${res.status}): the application stays in notice`, { services: [subgraph] }), true);
  }
}

/**
 * 审批: the award an approval creates in the owning department (SPEC section 10), ACTIVE from the
 * approval date, written there as a loaded award is. 低保's unit is the household: an award for
 * each member alive at the assessment, at the gap, (standard − income per head) a month, with the
 * figures in its details as loaded 低保 data records them. Ids are the application's
 * (`<id>-1` the applicant's), so approving twice at once writes the same awards. Another
 * department's award is also entered in civil affairs' register of who pays whom, as the loader does.
 */
export async function grantAwards(ctx: Context, row: ApplicationRow, assessment: Assessment | null, today: string): Promise<string> {
  const info = programmeInfo(row.programme)!;
  const dept = info.department;
  const base = { type: 'award', department: dept, programme: row.programme, householdId: row.householdId, regionCode: row.regionCode, startDate: today, status: 'ACTIVE' };
  const gap = assessment?.gapFen ?? null;
  const members = assessment?.memberIds ?? [];
  const records =
    gap !== null && members.length
      ? [row.personId, ...members.filter((m) => m !== row.personId)].map((personId, i) => ({
          ...base,
          id: `${row.id}-${i + 1}`,
          personId,
          amountFen: gap,
          frequency: 'MONTHLY',
          endDate: null,
          details: { householdSize: assessment!.householdSize, localStandardFen: assessment!.standardFen, incomePerCapitaFen: assessment!.incomePerHeadFen },
        }))
      : [{ ...base, id: `${row.id}-1`, personId: row.personId, amountFen: row.amountFen ?? 0, frequency: info.repeatable ? 'ONCE' : 'MONTHLY', endDate: info.repeatable ? today : null, details: {} }];
  await send(ctx, dept, row.id, records);
  if (dept !== 'CIVIL_AFFAIRS') {
    try {
      await send(ctx, 'CIVIL_AFFAIRS', row.id, records.map((r) => ({ type: 'awardRecipient', department: dept, id: r.id, personId: r.personId, householdId: r.householdId })));
    } catch (err) {
      // The awards are written in the department: whatever civil affairs did, the approval is not undone.
      if (err instanceof GrantFailure) throw new GrantFailure(unavailable(`the award is written in ${dept} but civil affairs did not register it (${err.message}): approve again to complete the approval`, { services: ['civil-affairs'] }), false);
      throw err;
    }
  }
  return `${row.id}-1`;
}
