/**
 * Composes the supergraph offline from the subgraphs' schema files and writes
 * `gateway/supergraph.graphql` (`npm run compose`). Before writing, it compares the new API schema
 * with the committed one and refuses a breaking change unless it is acknowledged
 * (`npm run compose -- --allow-breaking "reason"` records it in gateway/schema-changes.md), checks
 * that every subgraph names its owner, and prints the owners of the subgraphs that changed.
 * `--check` fails when the committed file is stale; `--check --base REF` also fails on a breaking
 * change since the supergraph committed at REF that schema-changes.md does not acknowledge.
 * Both refuse a field that no `@sharing` class covers (the data-sharing catalogue, SPEC section 12),
 * a field marked LOW whose name names a person (`personId`, `idNumber`…), and a composition that
 * loses a subgraph's mark of a type as about a person (the gateway reads person-level-ness from
 * the supergraph's marks); they flag LOW fields and types whose names speak of persons.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { SERVICES } from '@saf/config';
import { personLevelLostInComposition, readSubgraphSDL, suspiciousLowMarks, unclassifiedFields } from '@saf/service';
import { organisation, ownerProblems, packageOwner, schemaOwner } from './owners.ts';
import { acknowledgedIds, acknowledgementLine, changedSubgraphs, diffSupergraphs, type SchemaChange } from './schemaChanges.ts';

export const SUPERGRAPH_FILE = new URL('../gateway/supergraph.graphql', import.meta.url);
export const CHANGES_FILE = new URL('../gateway/schema-changes.md', import.meta.url);
export const SUBGRAPHS_DIR = new URL('../subgraphs/', import.meta.url);

/** One subgraph as composition sees it. */
export interface SubgraphSource {
  name: string;
  /** Its schema.graphql with the catalogue's shared enums (`readSubgraphSDL`). */
  sdl: string;
  /** Its package.json text (for the owner); undefined when there is none. */
  packageJson: string | undefined;
}

/** Reads the subgraphs `names` (default: every service, in port order) from `dir`. */
export function readSubgraphSources(dir: URL = SUBGRAPHS_DIR, names: readonly string[] = SERVICES.map((s) => s.name)): SubgraphSource[] {
  return names.map((name) => {
    const packageFile = new URL(`${name}/package.json`, dir);
    return {
      name,
      sdl: readSubgraphSDL(new URL(`${name}/schema.graphql`, dir)),
      packageJson: existsSync(packageFile) ? readFileSync(packageFile, 'utf8') : undefined,
    };
  });
}

/** Composition alone: the supergraph SDL and what to look at in it, or the errors naming the subgraph and the field. */
export function composeSources(sources: readonly SubgraphSource[]): { supergraphSdl: string; warnings: string[] } | { errors: string[] } {
  const parsed: Array<{ name: string; url: string; typeDefs: DocumentNode }> = [];
  const syntax: string[] = [];
  for (const s of sources) {
    try {
      // Placeholder URLs: the gateway maps each subgraph name to its configured address at run time.
      parsed.push({ name: s.name, url: `http://${s.name}.subgraph.invalid/graphql`, typeDefs: parse(s.sdl) });
    } catch (err) {
      const at = err instanceof GraphQLError && err.locations?.[0] ? ` (line ${err.locations[0].line})` : '';
      syntax.push(`[SYNTAX] subgraphs/${s.name}/schema.graphql${at}: ${(err as Error).message}`);
    }
  }
  if (syntax.length > 0) return { errors: syntax };
  // The catalogue (SPEC section 12): each owner declares how every field it defines is shared.
  const unclassified = parsed.flatMap((s) =>
    unclassifiedFields(s.typeDefs).map(
      (coordinate) =>
        `[SHARING] subgraphs/${s.name}/schema.graphql: ${coordinate} has no sharing class: mark it, or its type, @sharing(class: UNCONDITIONAL | CONDITIONAL | NOT_SHARED, sensitivity: LOW | MEDIUM | HIGH)`,
    ),
  );
  if (unclassified.length > 0) return { errors: unclassified };
  // The gateway takes MEDIUM and HIGH for person-level (a purpose, the access log): a LOW mark on
  // what names a person would let its reads pass unlogged.
  const suspicious = parsed.map((s) => ({ name: s.name, ...suspiciousLowMarks(s.typeDefs) }));
  const misMarked = suspicious.flatMap((s) =>
    s.refused.map(
      (coordinate) =>
        `[SHARING] subgraphs/${s.name}/schema.graphql: ${coordinate} is marked LOW but its name names a person or household: mark it (or its type) MEDIUM or HIGH, so that reading it needs a purpose and is logged`,
    ),
  );
  if (misMarked.length > 0) return { errors: misMarked };
  const result = composeServices(parsed);
  if (result.errors) {
    return {
      errors: result.errors.map((e) => {
        const where = (e.extensions?.code as string | undefined) ?? 'COMPOSITION';
        return `[${where}] ${e.message}`;
      }),
    };
  }
  // Composition keeps one mark of a type several subgraphs define.
  const lost = personLevelLostInComposition(parsed, result.supergraphSdl);
  if (lost.length > 0) {
    return {
      errors: lost.map(
        ({ subgraph, coordinate }) =>
          `[SHARING] subgraphs/${subgraph}/schema.graphql: ${coordinate} is about a person there (MEDIUM or HIGH) but not in the composed supergraph, where another subgraph's LOW mark of ${coordinate.split('.')[0]} won: mark the type alike in every subgraph that defines it`,
      ),
    };
  }
  const warnings = suspicious.flatMap((s) =>
    s.flagged.map(
      (coordinate) =>
        `[SHARING] subgraphs/${s.name}/schema.graphql: ${coordinate} is marked LOW but its name speaks of persons: check that it holds nothing about one (MEDIUM or HIGH make its reads need a purpose and be logged)`,
    ),
  );
  return { supergraphSdl: result.supergraphSdl, warnings };
}

/** The committed subgraphs, or only those named (e.g. a supergraph without coordination). */
export function composeSupergraph(only?: string[]): { supergraphSdl: string } | { errors: string[] } {
  return composeSources(readSubgraphSources().filter((s) => !only || only.includes(s.name)));
}

export interface Comparison {
  /** Every change that can break a client working today. */
  breaking: SchemaChange[];
  /** Those the acknowledgements file does not list. */
  unacknowledged: SchemaChange[];
  /** Allowed but worth telling clients about (a new enum value, a changed default). */
  dangerous: SchemaChange[];
  /** Subgraphs whose part of the supergraph changed, with the office that owns each. */
  changed: Array<{ name: string; owner: string }>;
}

export function compareSupergraphs(before: string, after: string, acknowledgements: string, sources: readonly SubgraphSource[]): Comparison {
  const { breaking, dangerous } = diffSupergraphs(before, after);
  const acknowledged = acknowledgedIds(acknowledgements);
  const owners = new Map(sources.map((s) => [s.name, ownerOf(s)]));
  return {
    breaking,
    unacknowledged: breaking.filter((c) => !acknowledged.has(c.id)),
    dangerous,
    changed: changedSubgraphs(before, after).map((name) => ({ name, owner: owners.get(name) ?? '(owner unknown: not a subgraph here)' })),
  };
}

function ownerOf(source: SubgraphSource): string {
  try {
    return (source.packageJson && packageOwner(source.packageJson)) ?? schemaOwner(source.sdl) ?? '(no owner)';
  } catch {
    return schemaOwner(source.sdl) ?? '(no owner)';
  }
}

export interface ComposeInput {
  sources: readonly SubgraphSource[];
  /** The committed supergraph; null when there is none yet (nothing to compare with). */
  committed: string | null;
  /** The acknowledgements file's text. */
  acknowledgements: string;
  /** `--allow-breaking`'s reason: acknowledges the breaking changes of this composition. */
  allowBreaking?: string;
  /** For the acknowledgement's heading; default today (UTC). */
  date?: string;
}

export interface ComposeResult extends Partial<Comparison> {
  ok: boolean;
  /** Why it failed, one line each. */
  problems: string[];
  /** What composition flags for the owners to look at (composeSources). */
  warnings?: string[];
  supergraphSdl?: string;
  /** Markdown to append to the acknowledgements file. */
  acknowledgement?: string;
}

/**
 * `npm run compose` without the file system: owners, composition, then the comparison with the
 * committed supergraph. Fails on an unacknowledged breaking change unless `allowBreaking` gives
 * a reason, in which case it returns the acknowledgement to record.
 */
export function composeAndCompare(input: ComposeInput): ComposeResult {
  const problems = ownerProblems(input.sources.map((s) => ({ name: s.name, packageJson: s.packageJson, schema: s.sdl })));
  if (problems.length > 0) return { ok: false, problems };
  const composed = composeSources(input.sources);
  if ('errors' in composed) return { ok: false, problems: composed.errors.map((e) => `composition: ${e}`) };
  if (input.committed === null) return { ok: true, problems: [], warnings: composed.warnings, supergraphSdl: composed.supergraphSdl, breaking: [], unacknowledged: [], dangerous: [], changed: [] };

  const comparison = compareSupergraphs(input.committed, composed.supergraphSdl, input.acknowledgements, input.sources);
  const result: ComposeResult = { ok: true, problems: [], warnings: composed.warnings, supergraphSdl: composed.supergraphSdl, ...comparison };
  if (comparison.unacknowledged.length === 0) return result;
  const reason = input.allowBreaking?.trim();
  if (!reason) {
    return {
      ...result,
      ok: false,
      problems: [
        `${comparison.unacknowledged.length} breaking change(s) for clients of the graph:`,
        ...comparison.unacknowledged.map((c) => `  ${acknowledgementLine(c)}`),
        'Make the change additive (add the new field, deprecate the old one, remove it later), or, once the',
        'clients are ready, acknowledge it: npm run compose -- --allow-breaking "why, and who agreed"',
      ],
    };
  }
  return { ...result, acknowledgement: acknowledgementSection(reason, input.date ?? new Date().toISOString().slice(0, 10), comparison) };
}

function acknowledgementSection(reason: string, date: string, comparison: Comparison): string {
  const changed = comparison.changed.map((c) => `${c.name} (${organisation(c.owner)})`).join(', ') || '(none)';
  return [`## ${date}: ${reason.replaceAll('\n', ' ')}`, '', `Subgraphs changed: ${changed}`, '', ...comparison.unacknowledged.map(acknowledgementLine), ''].join('\n');
}

function printComparison(comparison: Partial<Comparison> & { warnings?: string[] }, log: (line: string) => void): void {
  for (const w of comparison.warnings ?? []) log(`warning: ${w}`);
  for (const c of comparison.dangerous ?? []) log(`warning (allowed): ${acknowledgementLine(c)}`);
  if (comparison.changed?.length) {
    log('subgraphs changed (tell their owners):');
    for (const c of comparison.changed) log(`  ${c.name.padEnd(28)} ${c.owner}`);
  }
}

/** Every folder under subgraphs/ must name its owner, composed or not. */
function allOwnerProblems(): string[] {
  const names = readdirSync(SUBGRAPHS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const read = (name: string, file: string) => {
    const url = new URL(`${name}/${file}`, SUBGRAPHS_DIR);
    return existsSync(url) ? readFileSync(url, 'utf8') : undefined;
  };
  return ownerProblems(names.map((name) => ({ name, packageJson: read(name, 'package.json'), schema: read(name, 'schema.graphql') })));
}

function committedAt(ref: string): string | null {
  try {
    return execFileSync('git', ['show', `${ref}:gateway/supergraph.graphql`], { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
}

function main(): number {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, base: { type: 'string' }, 'allow-breaking': { type: 'string' } },
    strict: true,
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const committed = existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : null;
  const acknowledgements = existsSync(CHANGES_FILE) ? readFileSync(CHANGES_FILE, 'utf8') : '';
  const sources = readSubgraphSources();

  const owners = allOwnerProblems();
  if (owners.length > 0) {
    err(`owners:\n${owners.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }

  if (values.check) {
    const composed = composeSources(sources);
    if ('errors' in composed) {
      err(`composition failed:\n${composed.errors.map((e) => `  ${e}`).join('\n')}`);
      return 1;
    }
    for (const w of composed.warnings) out(`warning: ${w}`);
    if (committed !== composed.supergraphSdl) {
      err('gateway/supergraph.graphql is stale: run `npm run compose` and commit it');
      return 1;
    }
    out('supergraph is up to date');
    if (!values.base) return 0;
    const base = committedAt(values.base);
    if (base === null) {
      out(`no gateway/supergraph.graphql at ${values.base}: nothing to compare with`);
      return 0;
    }
    const comparison = compareSupergraphs(base, committed, acknowledgements, sources);
    printComparison(comparison, out);
    if (comparison.unacknowledged.length > 0) {
      err(`breaking change(s) since ${values.base} that gateway/schema-changes.md does not acknowledge:`);
      for (const c of comparison.unacknowledged) err(`  ${acknowledgementLine(c)}`);
      return 1;
    }
    out(`no unacknowledged breaking change since ${values.base} (${comparison.breaking.length} acknowledged)`);
    return 0;
  }

  const result = composeAndCompare({ sources, committed, acknowledgements, ...(values['allow-breaking'] !== undefined ? { allowBreaking: values['allow-breaking'] } : {}) });
  printComparison(result, out);
  if (!result.ok || result.supergraphSdl === undefined) {
    err(`npm run compose failed:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  if (result.acknowledgement) {
    if (!existsSync(CHANGES_FILE)) writeFileSync(CHANGES_FILE, '# Schema changes between departments\n\n');
    appendFileSync(CHANGES_FILE, `\n${result.acknowledgement}`);
    out(`acknowledged ${result.unacknowledged?.length ?? 0} breaking change(s) in gateway/schema-changes.md: commit it with the supergraph`);
  } else if (values['allow-breaking'] !== undefined) {
    out('--allow-breaking: no unacknowledged breaking change, nothing recorded');
  }
  writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
  out(`composed ${sources.length} subgraphs into gateway/supergraph.graphql`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exit(main());
  } catch (err) {
    process.stderr.write(`npm run compose: ${(err as Error).message}\nusage: npm run compose [-- --allow-breaking "reason"] | npm run compose:check [-- --base REF]\n`);
    process.exit(2);
  }
}
