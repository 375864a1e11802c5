import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY, LOADER, signRequest } from '@saf/auth';
import { ingestSecrets, ingestTargets, loadFile } from '@saf/loader';
import { DEMO_GENERATION } from '@saf/generator';

// The demo's arguments: its ids carry no namespace (`generationNamespace`), any other generation's do.
const DEMO_HOUSEHOLDS = DEMO_GENERATION.households;
const DEMO_SEED = DEMO_GENERATION.seed;
/** The year of payments the demo has (SPEC section 11): the last whole year before the generator's day. */
const DEMO_PAYMENTS_YEAR = 2025;
const root = fileURLToPath(new URL('..', import.meta.url));

/** Writes the demo file with the same generator `npm run generate` runs. */
async function generateDemo(file: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--households', String(DEMO_HOUSEHOLDS), '--seed', String(DEMO_SEED), '--payments', String(DEMO_PAYMENTS_YEAR)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.pipe(createWriteStream(file));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`demo data generation failed (exit ${code})`);
}

/** One signed request to civil affairs, as the loader (and the gateway) make them. */
async function civilAffairs<T>(base: string, secret: Buffer, path: string, body: string, caller: Parameters<typeof signRequest>[0]['caller'] = null): Promise<T> {
  // /ingest answers the loader; GraphQL answers only the gateway, whose secret the demo holds too.
  const from = path.startsWith('/ingest') ? LOADER : GATEWAY;
  const signed = signRequest({ secret, from, to: 'civil-affairs', method: 'POST', path, body, caller });
  return (await (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body })).json()) as T;
}

/**
 * Loads the demo data unless it is there already (the first household of the demo file is
 * registered, and civil affairs has the standards and the bank accounts the file sets, which demo
 * data loaded before they were added lacks). Loading is idempotent anyway; the check only saves time on later starts.
 */
export async function loadDemoData(env: NodeJS.ProcessEnv, portBase: number, nodeEnv: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'saf-demo-'));
  const file = path.join(dir, 'demo.ndjson');
  try {
    await generateDemo(file);
    const lines = (await readFile(file, 'utf8')).split('\n').map((l) => (l ? (JSON.parse(l) as { type: string; id: string; personId?: string }) : null));
    const first = lines.find((r) => r?.type === 'household');
    const account = lines.find((r) => r?.type === 'bankAccount');
    const targets = ingestTargets(env, portBase);
    const secrets = ingestSecrets(env, nodeEnv);
    if (first) {
      const known = await civilAffairs<{ households: string[] }>(targets.CIVIL_AFFAIRS, secrets.CIVIL_AFFAIRS, '/ingest/known', JSON.stringify({ households: [first.id] }));
      const standards = await civilAffairs<{ data?: { assistanceStandards: unknown[] } }>(
        targets.CIVIL_AFFAIRS,
        secrets.CIVIL_AFFAIRS,
        '/graphql',
        JSON.stringify({ query: '{ assistanceStandards(regionCode: "654002") { id } }' }),
        { sub: 'demo-loader', role: 'COORDINATOR' },
      );
      // Demo data loaded before payments were added has no accounts.
      const accounts = account
        ? await civilAffairs<{ data?: { person: { bankAccounts: unknown[] | null } | null } }>(
            targets.CIVIL_AFFAIRS,
            secrets.CIVIL_AFFAIRS,
            '/graphql',
            JSON.stringify({ query: 'query ($id: ID!) { person(id: $id) { bankAccounts { id } } }', variables: { id: account.personId } }),
            { sub: 'demo-loader', role: 'COORDINATOR' },
          )
        : null;
      const paymentsThere = !account || !!accounts?.data?.person?.bankAccounts?.length;
      if (known.households.length && standards.data?.assistanceStandards.length && paymentsThere) {
        process.stdout.write('demo data already loaded\n');
        return;
      }
    }
    process.stdout.write(`loading demo data (${DEMO_HOUSEHOLDS} households, seed ${DEMO_SEED})…\n`);
    const result = await loadFile(file, { targets, secrets });
    if (!result.ok) throw new Error(`demo data refused: ${result.errors.slice(0, 3).map((e) => `line ${e.line} ${e.field}: ${e.message}`).join('; ')}`);
    process.stdout.write(`demo data loaded: ${result.records} records\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
