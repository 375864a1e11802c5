/**
 * The console's operations, registered as trusted operations (SPEC section 12): in production the
 * gateway runs only registered documents (gateway/src/trusted.ts), and the console's are these.
 * `npm run operations` writes gateway/trusted-operations.json from console/src/api/queries.ts,
 * casework.ts and funds.ts;
 * `npm run console:build` runs it, and a unit test fails while the file is stale.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import * as casework from '../console/src/api/casework.ts';
import * as funds from '../console/src/api/funds.ts';
import * as queries from '../console/src/api/queries.ts';

export const TRUSTED_OPERATIONS_FILE = new URL('../gateway/trusted-operations.json', import.meta.url);

export interface TrustedOperation {
  hash: string;
  name: string | null;
  document: string;
}

/** Every operation the console sends, by the sha256 of its exact text. */
export function consoleOperations(): TrustedOperation[] {
  const texts = new Set<string>();
  for (const value of [...Object.values(queries), ...Object.values(casework), ...Object.values(funds)]) if (typeof value === 'string' && /^\s*(query|mutation)\b/.test(value)) texts.add(value);
  texts.add(queries.accessLogQuery(queries.ACCESS_LOG_FIELDS));
  return [...texts]
    .map((document) => {
      const op = parse(document).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      return { hash: createHash('sha256').update(document).digest('hex'), name: op?.kind === Kind.OPERATION_DEFINITION ? (op.name?.value ?? null) : null, document };
    })
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.hash.localeCompare(b.hash));
}

export function manifestText(): string {
  return `${JSON.stringify({ registeredFor: 'console', operations: consoleOperations() }, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = manifestText();
  const check = process.argv.includes('--check');
  let committed = '';
  try {
    committed = readFileSync(TRUSTED_OPERATIONS_FILE, 'utf8');
  } catch {}
  if (check) {
    if (committed !== text) {
      process.stderr.write('gateway/trusted-operations.json is stale: run `npm run operations` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('trusted operations are up to date\n');
  } else {
    writeFileSync(TRUSTED_OPERATIONS_FILE, text);
    process.stdout.write(`registered ${JSON.parse(text).operations.length} console operations in gateway/trusted-operations.json\n`);
  }
}
