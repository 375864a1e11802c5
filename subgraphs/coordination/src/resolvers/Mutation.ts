import { assertRole, badInput, notFound } from '@saf/service';
import { assertMayReview, assertMaySweep, assertPersonLevel, readableFinding } from '../access.ts';
import { findingFor } from '../findingView.ts';
import type { Context } from '../context.ts';
import { review } from '../db/findings.ts';
import { regionPrefix } from './Query.ts';
import { casework } from './casework.ts';

export const Mutation = {
  runDuplicateAidSweep: (_: unknown, { regionCode }: { regionCode: string }, ctx: Context) => {
    const prefix = regionPrefix(regionCode);
    const caller = assertMaySweep(ctx.caller, prefix);
    // The gateway asks every sweep for a purpose; each page is logged with it.
    if (!ctx.purpose) throw badInput('a sweep reads every household of the region: declare its purpose in the X-Purpose header', 'x-purpose');
    return ctx.sweeps.start(prefix, caller, ctx.purpose);
  },
  reviewDuplicateAidFinding: async (_: unknown, args: { id: string; decision: 'CONFIRM' | 'DISMISS'; note: string }, ctx: Context) => {
    const caller = assertPersonLevel(ctx.caller);
    const finding = await readableFinding(ctx, args.id);
    if (!finding) throw notFound(`no finding ${args.id}`);
    assertMayReview(caller, finding);
    const note = args.note.trim();
    if (!note) throw badInput('a note is required to review a finding', 'note');
    if (note.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
    const row = await review(ctx.db, args.id, args.decision === 'CONFIRM' ? 'CONFIRMED' : 'DISMISSED', note, { sub: caller.sub, role: caller.role });
    ctx.loaders.events.clear(args.id);
    return row && findingFor(caller, row, ctx.maskKey);
  },
  ...casework.Mutation,
  updateDuplicateAidRules: (_: unknown, args: { rules: string; note: string }, ctx: Context) => ctx.rules.update(args.rules, args.note, assertRole(ctx.caller, 'COORDINATOR').sub),
};
