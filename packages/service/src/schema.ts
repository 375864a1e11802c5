import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import { enumsSDL } from '@saf/programmes';

/** Reads a subgraph's `schema.graphql`, adding the catalogue's shared enums. */
export function readSubgraphSDL(file: URL): string {
  return `${readFileSync(file, 'utf8')}\n${enumsSDL}`;
}

export function loadTypeDefs(file: URL): DocumentNode {
  return parse(readSubgraphSDL(file));
}
