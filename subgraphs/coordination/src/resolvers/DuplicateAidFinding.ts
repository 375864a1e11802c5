import type { Context } from '../context.ts';
import type { FindingEventRow } from '../db/findings.ts';

export const DuplicateAidFinding = {
  regionCode: (f: { regionCode?: string | null }) => f.regionCode || null,
  outsideJurisdiction: (f: { outsideJurisdiction?: string[] }) => f.outsideJurisdiction ?? [],
  history: async (f: { id: string; storedId?: string; history?: unknown[]; masked?: boolean }, _: unknown, ctx: Context) => {
    if (f.history) return f.history;
    const events = await ctx.loaders.events.load(f.storedId ?? f.id);
    // A masked copy (`findingFor`) keeps the events but not the reviewers' notes: a note may name
    // the persons withheld from this caller.
    return events.map((e: FindingEventRow) => ({ event: e.event, note: f.masked ? null : e.note, actor: e.actorSub, actorRole: e.actorRole, sweepId: e.sweepId, at: e.at }));
  },
};
