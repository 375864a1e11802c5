import { badInput, notFound } from '@saf/service';
import type { Context } from '../context.ts';
import { review } from '../db/findings.ts';
import { regionPrefix } from './Query.ts';

export const Mutation = {
  runDuplicateAidSweep: (_: unknown, { regionCode }: { regionCode: string }, ctx: Context) => ctx.sweeps.start(regionPrefix(regionCode), ctx.actor.sub),
  reviewDuplicateAidFinding: async (_: unknown, args: { id: string; decision: 'CONFIRM' | 'DISMISS'; note: string }, ctx: Context) => {
    const note = args.note.trim();
    if (!note) throw badInput('a note is required to review a finding', 'note');
    if (note.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
    const row = await review(ctx.db, args.id, args.decision === 'CONFIRM' ? 'CONFIRMED' : 'DISMISSED', note, ctx.actor);
    if (!row) throw notFound(`no finding ${args.id}`);
    ctx.loaders.events.clear(args.id);
    return row;
  },
  updateDuplicateAidRules: (_: unknown, args: { rules: string; note: string }, ctx: Context) => ctx.rules.update(args.rules, args.note, ctx.actor.sub),
};
