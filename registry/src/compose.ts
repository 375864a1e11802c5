import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { personLevelLostInComposition, suspiciousLowMarks } from '@saf/service';
import { schemaOwner } from '../../scripts/owners.ts';
import { changedSubgraphs, diffSupergraphs, type SchemaChange } from '../../scripts/schemaChanges.ts';

/** One service's accepted schema, as the registry composes it. */
export interface Published {
  service: string;
  sdl: string;
  url: string;
  owner: string | null;
}

/**
 * The supergraph of `services` with their published URLs (`join__graph(url:)`: where the gateway
 * sends their requests), or the errors naming the service and the element, as `npm run compose`
 * reports them. Like it, refuses marks the gateway would misread as not about a person: a field
 * marked LOW named like a person's identifier, a type marked MEDIUM or HIGH by one service and
 * composed LOW (a schema without marks is person-level to the gateway, and passes).
 */
export function composePublished(services: readonly Published[]): { supergraphSdl: string } | { errors: string[] } {
  const parsed: Array<{ name: string; url: string; typeDefs: DocumentNode }> = [];
  const errors: string[] = [];
  for (const s of services) {
    try {
      parsed.push({ name: s.service, url: s.url, typeDefs: parse(s.sdl) });
    } catch (err) {
      const at = err instanceof GraphQLError && err.locations?.[0] ? ` (line ${err.locations[0].line})` : '';
      errors.push(`[SYNTAX] ${s.service}${at}: ${(err as Error).message}`);
    }
  }
  if (errors.length > 0) return { errors };
  const misMarked = parsed.flatMap((s) => suspiciousLowMarks(s.typeDefs).refused.map((c) => `[SHARING] ${s.name}: ${c} is marked LOW but its name names a person or household: mark it (or its type) MEDIUM or HIGH`));
  if (misMarked.length > 0) return { errors: misMarked };
  const result = composeServices(parsed);
  if (result.errors) return { errors: result.errors.map((e) => `[${(e.extensions?.code as string | undefined) ?? 'COMPOSITION'}] ${e.message}`) };
  const lost = personLevelLostInComposition(parsed, result.supergraphSdl);
  if (lost.length > 0) return { errors: lost.map(({ subgraph, coordinate }) => `[SHARING] ${subgraph}: ${coordinate} is about a person there (MEDIUM or HIGH) but not in the composed supergraph: mark it alike in every service that defines it`) };
  return { supergraphSdl: result.supergraphSdl };
}

/** What a new supergraph changes against the running one: breaking and dangerous changes, the subgraphs changed with their owners. */
export function compare(before: string | null, after: string, owners: ReadonlyMap<string, string | null>) {
  if (before === null) return { breaking: [] as SchemaChange[], dangerous: [] as SchemaChange[], changed: [] as Array<{ name: string; owner: string }> };
  const { breaking, dangerous } = diffSupergraphs(before, after);
  const changed = changedSubgraphs(before, after).map((name) => ({ name, owner: owners.get(name) ?? '(no owner)' }));
  return { breaking, dangerous, changed };
}

/** The owner a schema names on its `# Owner:` line (as every subgraph of this repository does). */
export function ownerOf(sdl: string): string | null {
  return schemaOwner(sdl) ?? null;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The lines of `after` not in `before` (`+`) and of `before` not in `after` (`-`), in order, by
 * longest common subsequence: what a reviewer needs to see of a schema change. Without context lines.
 */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.split('\n');
  const b = after.split('\n');
  // Common head and tail first: publications change a few lines of long files.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < y.length && (i >= x.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(`+${head + j + 1}: ${y[j++]}`);
    else out.push(`-${head + i + 1}: ${x[i++]}`);
  }
  return out.join('\n');
}
