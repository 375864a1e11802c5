import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { acknowledgementLine } from '../../scripts/schemaChanges.ts';
import { compare, composePublished, lineDiff, ownerOf, sha256, type Published } from './compose.ts';
import { schemaVersions, supergraphs, type CheckResult } from './db/schema.ts';

/** A publication as the registry receives it (its signature already checked: `signedBy` is the service's own). */
export interface Publication {
  service: string;
  sdl: string;
  url: string;
  publishedBy: string;
  /** The owner's acknowledgement of breaking changes: why, and who agreed. */
  acknowledge?: string;
  /** Check only: nothing is stored (`npm run schema:publish -- --dry-run`). */
  dryRun?: boolean;
}

export type PublishResult =
  | { status: 'accepted'; version: number; supergraphId: number; check: CheckResult; diff: string; unchanged?: boolean }
  | { status: 'refused'; check: CheckResult; diff: string }
  | { status: 'checked'; ok: boolean; check: CheckResult; diff: string };

/** Whatever decides which breaking changes clients still use (usage.ts); by default every one is. */
export type UsageOf = (db: Db, breaking: CheckResult['breaking'], apiBefore: string) => Promise<CheckResult['breaking']>;

const everyChangeUsed: UsageOf = async (_db, breaking) => breaking.map((b) => ({ ...b, usedBy: [{ name: '(any client)', hash: '', clients: [], lastSeen: null, registered: false }] }));

/** Every service's newest numbered row: its latest accepted version, or its removal (unpublish.ts). */
export async function latestRows(db: Db) {
  return db
    .selectDistinctOn([schemaVersions.service])
    .from(schemaVersions)
    .where(and(inArray(schemaVersions.status, ['accepted', 'removed']), isNotNull(schemaVersions.version)))
    .orderBy(schemaVersions.service, desc(schemaVersions.version));
}


export async function latestSupergraph(db: Db) {
  const [row] = await db.select().from(supergraphs).orderBy(desc(supergraphs.id)).limit(1);
  return row ?? null;
}

/**
 * Publishes one service's schema: composes it with every other service's latest accepted version,
 * compares the result with the supergraph gateways serve now, and stores the version (and the new
 * supergraph) or the refusal, naming why. Publications are taken one at a time (a table lock), so
 * two departments publishing at once each compose with the other's result, never with a stale one.
 */
export async function publish(db: Db, input: Publication, usageOf: UsageOf = everyChangeUsed): Promise<PublishResult> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`LOCK TABLE schema_versions IN EXCLUSIVE MODE`);
    const rows = await latestRows(t);
    const latest = rows.filter((v) => v.status === 'accepted');
    const previous = latest.find((v) => v.service === input.service);
    // Versions keep counting after a removal: publishing again is the next one, not 1.
    const lastVersion = rows.find((v) => v.service === input.service)?.version ?? 0;
    // The same schema at the same URL as the version the running supergraph holds (a service
    // publishing itself at every start): nothing to compose or store.
    const serving = await latestSupergraph(t);
    if (!input.dryRun && previous && previous.sdl === input.sdl && previous.url === input.url && serving?.versions[input.service] === previous.version) {
      return { status: 'accepted', version: previous.version!, supergraphId: serving.id, check: { breaking: [], dangerous: [], changed: [], problems: [] }, diff: '', unchanged: true };
    }
    const owner = ownerOf(input.sdl);
    const candidate: Published = { service: input.service, sdl: input.sdl, url: input.url, owner };
    const services: Published[] = [...latest.filter((v) => v.service !== input.service).map((v) => ({ service: v.service, sdl: v.sdl, url: v.url, owner: v.owner })), candidate].sort((a, b) => a.service.localeCompare(b.service));
    const diff = lineDiff(previous?.sdl ?? '', input.sdl);
    const check: CheckResult = { breaking: [], dangerous: [], changed: [], problems: [] };
    // A service publishes its own part: taking over another service's fields (@override) goes
    // through the platform's operator, not a publication.
    if (/@override\b/.test(input.sdl)) check.problems.push(`${input.service}: @override takes fields over from another service; a publication may not (ask the platform's operator)`);
    if (!owner) check.problems.push(`${input.service}: the schema names no owner: add a line "# Owner: <office> (<English gloss>)"`);
    const composed = check.problems.length === 0 ? composePublished(services) : null;
    if (composed && 'errors' in composed) check.problems.push(...composed.errors.map((e) => `composition: ${e}`));
    const running = await latestSupergraph(t);
    if (composed && 'supergraphSdl' in composed) {
      const owners = new Map(services.map((s) => [s.service, s.owner]));
      const changes = compare(running?.sdl ?? null, composed.supergraphSdl, owners);
      check.changed = changes.changed;
      check.dangerous = changes.dangerous.map((c) => ({ id: c.id, description: c.description }));
      await checkUse(t, changes.breaking, running?.sdl ?? null, check, input.acknowledge, usageOf, 'Make the change additive (add the new field, deprecate the old one, remove it later), or, once the clients are ready, publish again with --acknowledge "why, and who agreed"');
    }
    if (input.dryRun) return { status: 'checked', ok: check.problems.length === 0, check, diff };
    const base = { service: input.service, sdl: input.sdl, url: input.url, owner, signedBy: input.service, publishedBy: input.publishedBy, diff, check };
    if (check.problems.length > 0 || !composed || 'errors' in composed) {
      await t.insert(schemaVersions).values({ ...base, status: 'refused' });
      return { status: 'refused', check, diff };
    }
    // The same schema at the same URL again (a service publishing itself at every start): nothing new.
    if (previous && previous.sdl === input.sdl && previous.url === input.url && running && running.sdl === composed.supergraphSdl) {
      return { status: 'accepted', version: previous.version!, supergraphId: running.id, check, diff, unchanged: true };
    }
    const version = lastVersion + 1;
    const versions = Object.fromEntries(services.map((s) => [s.service, s.service === input.service ? version : latest.find((v) => v.service === s.service)!.version!]));
    const [supergraph] = await t.insert(supergraphs).values({ sdl: composed.supergraphSdl, hash: sha256(composed.supergraphSdl), versions }).returning({ id: supergraphs.id });
    const acknowledgement = check.breaking.some((b) => b.usedBy.length > 0) ? input.acknowledge!.trim() : null;
    await t.insert(schemaVersions).values({ ...base, status: 'accepted', version, acknowledgement, supergraphId: supergraph!.id });
    return { status: 'accepted', version, supergraphId: supergraph!.id, check, diff };
  });
}

/**
 * Which of the breaking changes operations clients ran (or registered) use; without the owner's
 * acknowledgement those are problems that refuse the change, each naming the operations and clients.
 */
export async function checkUse(t: Db, changes: ReadonlyArray<{ id: string; type: string; description: string }>, runningSdl: string | null, check: CheckResult, acknowledge: string | undefined, usageOf: UsageOf, advice: string): Promise<void> {
  const breaking = changes.map((c) => ({ id: c.id, type: c.type, description: c.description, coordinates: [] as string[], usedBy: [] as CheckResult['breaking'][number]['usedBy'] }));
  check.breaking = breaking.length > 0 && runningSdl ? await usageOf(t, breaking, runningSdl) : breaking;
  const used = check.breaking.filter((b) => b.usedBy.length > 0);
  if (used.length > 0 && !acknowledge?.trim()) {
    check.problems.push(
      `${used.length} breaking change(s) to what clients use:`,
      ...used.map((b) => `  ${acknowledgementLine(b)} used by ${b.usedBy.map((u) => `${u.name}${u.clients.length ? ` (${u.clients.join(', ')})` : ''}`).join('; ')}`),
      advice,
    );
  }
}

/** A service's publications, newest first (accepted and refused). */
export async function history(db: Db, service: string, limit = 50) {
  return db
    .select({
      id: schemaVersions.id,
      version: schemaVersions.version,
      status: schemaVersions.status,
      url: schemaVersions.url,
      owner: schemaVersions.owner,
      signedBy: schemaVersions.signedBy,
      publishedBy: schemaVersions.publishedBy,
      publishedAt: schemaVersions.publishedAt,
      diff: schemaVersions.diff,
      check: schemaVersions.check,
      acknowledgement: schemaVersions.acknowledgement,
      supergraphId: schemaVersions.supergraphId,
    })
    .from(schemaVersions)
    .where(eq(schemaVersions.service, service))
    .orderBy(desc(schemaVersions.id))
    .limit(limit);
}
