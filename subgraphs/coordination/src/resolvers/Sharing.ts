import type { Department } from '@saf/programmes';
import { unauthenticated } from '@saf/service';
import type { Context } from '../context.ts';
import type { AgreementView, ChangeMeta, SharingInput } from '../sharing.ts';

/** SPEC section 12: the catalogue, the agreements and their use (src/sharing.ts). */
export const SharingQuery = {
  dataCatalogue: (_: unknown, { department }: { department?: Department | null }, ctx: Context) => {
    if (!ctx.caller) throw unauthenticated();
    return ctx.sharing.catalogue.list(department).map(({ coordinate, department: d, description, sharing, sensitivity }) => ({ coordinate, department: d, description, sharing, sensitivity }));
  },
  sharingAgreements: (_: unknown, args: { department?: Department | null; status?: string | null }, ctx: Context) => ctx.sharing.list(ctx.caller, args.department, args.status),
  sharingUsage: (_: unknown, args: { agreementId: string; from?: string | null; to?: string | null }, ctx: Context) => ctx.sharing.usage(ctx.caller, args.agreementId, args.from, args.to),
};

/** What the access log records of a change besides its caller. */
const meta = (ctx: Context): ChangeMeta => ({ purpose: ctx.purpose, requestId: ctx.requestId });

export const SharingMutation = {
  requestSharing: (_: unknown, { input }: { input: SharingInput }, ctx: Context) => ctx.sharing.request(ctx.caller, input, meta(ctx)),
  decideSharing: (_: unknown, args: { id: string; approve: boolean; note: string }, ctx: Context) => ctx.sharing.decide(ctx.caller, args.id, args.approve, args.note, meta(ctx)),
  revokeSharing: (_: unknown, args: { id: string; note: string }, ctx: Context) => ctx.sharing.revoke(ctx.caller, args.id, args.note, meta(ctx)),
  registerSharingOperation: (_: unknown, args: { agreementId: string; document: string }, ctx: Context) => ctx.sharing.registerOperation(ctx.caller, args.agreementId, args.document, meta(ctx)),
};

export const SharingAgreement = {
  history: async (agreement: AgreementView, _: unknown, ctx: Context) =>
    (await ctx.loaders.sharingHistory.load(agreement.id)).map((e) => ({ action: e.action, by: e.actorSub, office: e.actorOffice, note: e.note, at: new Date(e.at).toISOString() })),
};
