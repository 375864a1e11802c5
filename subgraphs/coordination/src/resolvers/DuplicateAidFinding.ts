import type { Context } from '../context.ts';
import type { FindingEventRow } from '../db/findings.ts';

export const DuplicateAidFinding = {
  regionCode: (f: { regionCode?: string | null }) => f.regionCode || null,
  history: async (f: { id: string; history?: unknown[] }, _: unknown, ctx: Context) => {
    if (f.history) return f.history;
    const events = await ctx.loaders.events.load(f.id);
    return events.map((e: FindingEventRow) => ({ event: e.event, note: e.note, actor: e.actorSub, actorRole: e.actorRole, sweepId: e.sweepId, at: e.at }));
  },
};
