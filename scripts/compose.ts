/**
 * Composes the supergraph offline from the subgraphs' schema files (`npm run compose`) and writes
 * `gateway/supergraph.graphql`. `--check` fails when the committed file is stale. A composition
 * error fails loudly, naming the subgraph and the field.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SERVICES } from '@saf/config';
import { readSubgraphSDL } from '@saf/service';

export const SUPERGRAPH_FILE = new URL('../gateway/supergraph.graphql', import.meta.url);

export function composeSupergraph(only?: string[]): { supergraphSdl: string } | { errors: string[] } {
  const services = SERVICES.filter((s) => !only || only.includes(s.name)).map((s) => ({
    name: s.name,
    // Placeholder URLs: the gateway maps each subgraph name to its configured address at run time.
    url: `http://${s.name}.subgraph.invalid/graphql`,
    typeDefs: parse(readSubgraphSDL(new URL(`../subgraphs/${s.name}/schema.graphql`, import.meta.url))),
  }));
  const result = composeServices(services);
  if (result.errors) {
    return {
      errors: result.errors.map((e) => {
        const where = (e.extensions?.code as string | undefined) ?? 'COMPOSITION';
        return `[${where}] ${e.message}`;
      }),
    };
  }
  return { supergraphSdl: result.supergraphSdl };
}

function main(): void {
  const check = process.argv.includes('--check');
  const result = composeSupergraph();
  if ('errors' in result) {
    process.stderr.write(`composition failed:\n${result.errors.map((e) => `  ${e}`).join('\n')}\n`);
    process.exit(1);
  }
  const current = existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : '';
  if (check) {
    if (current !== result.supergraphSdl) {
      process.stderr.write('gateway/supergraph.graphql is stale: run `npm run compose` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('supergraph is up to date\n');
    return;
  }
  writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
  process.stdout.write(`composed ${SERVICES.length} subgraphs into gateway/supergraph.graphql\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
