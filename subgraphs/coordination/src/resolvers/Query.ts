import { isRegionPrefix } from '@saf/identity';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { listFindings } from '../db/findings.ts';
import { sweepById } from '../db/sweeps.ts';
import { checkProposedAward, type ProposedAwardInput } from '../proposal.ts';

export function regionPrefix(regionCode: string): string {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return regionCode;
}

interface FindingsArgs {
  regionCode: string;
  status?: string | null;
  rule?: string | null;
  department?: string | null;
  includeGone?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export const Query = {
  checkProposedAward: (_: unknown, { award }: { award: ProposedAwardInput }, ctx: Context) => checkProposedAward(ctx, award),
  duplicateAidFindings: (_: unknown, args: FindingsArgs, ctx: Context) => {
    const first = args.first ?? 50;
    if (first < 1 || first > 500) throw badInput('first must be 1 to 500', 'first');
    return listFindings(ctx.db, { regionPrefix: regionPrefix(args.regionCode), status: args.status, rule: args.rule, department: args.department, includeGone: args.includeGone ?? false }, first, args.after ?? null);
  },
  duplicateAidFinding: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.loaders.finding.load(id),
  duplicateAidSweep: (_: unknown, { id }: { id: string }, ctx: Context) => sweepById(ctx.db, id),
  duplicateAidRules: (_: unknown, __: unknown, ctx: Context) => ctx.rules.current(),
};
