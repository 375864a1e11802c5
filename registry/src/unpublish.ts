import { sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { compare, composePublished, lineDiff, sha256, type Published } from './compose.ts';
import { schemaVersions, supergraphs, type CheckResult } from './db/schema.ts';
import { checkUse, latestRows, latestSupergraph, type UsageOf } from './publish.ts';

/** A department taking its service out of the graph (its signature already checked). */
export interface Removal {
  service: string;
  publishedBy: string;
  /** The owner's acknowledgement when operations clients ran use the service's fields. */
  acknowledge?: string;
  dryRun?: boolean;
}

export type RemovalResult =
  | { status: 'removed'; version: number; supergraphId: number; check: CheckResult; diff: string }
  | { status: 'refused'; check: CheckResult; diff: string }
  | { status: 'checked'; ok: boolean; check: CheckResult; diff: string };

export class NotPublished extends Error {}

/**
 * Unpublishes a service: composes the others without it and checks the result as a publication
 * is checked: refused when the rest does not compose without it (another service builds on its
 * types) or when operations clients ran in the usage window (or registered) use what goes away,
 * unless the owner acknowledges. Recorded in the service's history as a version with status
 * `removed`; the new supergraph is what gateways pull next, without the service.
 */
export async function unpublish(db: Db, input: Removal, usageOf: UsageOf): Promise<RemovalResult> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`LOCK TABLE schema_versions IN EXCLUSIVE MODE`);
    const rows = await latestRows(t);
    const latest = rows.find((v) => v.service === input.service);
    const current = latest?.status === 'accepted' ? latest : undefined;
    if (!current) {
      // Two removals at once: the second one waited for the first (the lock) and is told of it.
      const gone = latest ? ` (unpublished as version ${latest.version} by ${latest.publishedBy} at ${latest.publishedAt})` : '';
      throw new NotPublished(`${input.service} is not in the graph${gone}: nothing to unpublish`);
    }
    const rest: Published[] = rows.filter((v) => v.status === 'accepted' && v.service !== input.service).map((v) => ({ service: v.service, sdl: v.sdl, url: v.url, owner: v.owner }));
    const diff = lineDiff(current.sdl, '');
    const check: CheckResult = { breaking: [], dangerous: [], changed: [], problems: [] };
    const composed = rest.length > 0 ? composePublished(rest) : null;
    if (!composed) check.problems.push(`${input.service} is the only service in the graph: the graph cannot be left empty`);
    else if ('errors' in composed) check.problems.push(`the graph does not compose without ${input.service}:`, ...composed.errors.map((e) => `composition: ${e}`));
    const running = await latestSupergraph(t);
    if (composed && 'supergraphSdl' in composed) {
      const owners = new Map<string, string | null>([...rest.map((s) => [s.service, s.owner] as const), [input.service, current.owner]]);
      const changes = compare(running?.sdl ?? null, composed.supergraphSdl, owners);
      check.changed = changes.changed;
      check.dangerous = changes.dangerous.map((c) => ({ id: c.id, description: c.description }));
      await checkUse(t, changes.breaking, running?.sdl ?? null, check, input.acknowledge, usageOf, 'Tell the clients to stop using these fields first, or, once they are ready, unpublish again with --acknowledge "why, and who agreed"');
    }
    if (input.dryRun) return { status: 'checked', ok: check.problems.length === 0, check, diff };
    const base = { service: input.service, sdl: '', url: current.url, owner: current.owner, signedBy: input.service, publishedBy: input.publishedBy, diff, check };
    if (check.problems.length > 0 || !composed || 'errors' in composed) {
      await t.insert(schemaVersions).values({ ...base, status: 'refused' });
      return { status: 'refused', check, diff };
    }
    const version = current.version! + 1;
    const versions = Object.fromEntries(rows.filter((v) => v.status === 'accepted' && v.service !== input.service).map((v) => [v.service, v.version!]));
    const [supergraph] = await t.insert(supergraphs).values({ sdl: composed.supergraphSdl, hash: sha256(composed.supergraphSdl), versions }).returning({ id: supergraphs.id });
    const acknowledgement = check.breaking.some((b) => b.usedBy.length > 0) ? input.acknowledge!.trim() : null;
    await t.insert(schemaVersions).values({ ...base, status: 'removed', version, acknowledgement, supergraphId: supergraph!.id });
    return { status: 'removed', version, supergraphId: supergraph!.id, check, diff };
  });
}
