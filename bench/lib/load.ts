/**
 * Load speed: `npm run load`'s library (validate, stage through each department's /ingest,
 * commit) against the running system, and PostgreSQL COPY of the same rows into the same tables
 * (the subgraphs' own migrations) in scratch databases, timing only the COPY (psql `\timing`).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ingestSecrets, ingestTargets, loadFile, type ProgressEvent } from '@saf/loader';
import { openDatabase } from '@saf/db';
import { formatLineError } from '@saf/interchange';
import { COPY_COLUMNS, type CopyFile } from './data.ts';

export async function timedLoad(file: string, env: NodeJS.ProcessEnv, portBase: number): Promise<{ records: number; seconds: number }> {
  const started = performance.now();
  const phases: string[] = [];
  const onProgress = (e: ProgressEvent) => {
    if (e.phase === 'commit' || (e.done >= e.total && e.phase !== 'validate')) phases.push(`${e.phase}${e.phase === 'commit' ? ` ${e.done}` : ''} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  const result = await loadFile(file, { targets: ingestTargets(env, portBase), secrets: ingestSecrets(env, env.NODE_ENV), onProgress });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`  (phases ended: ${phases.join(', ')})\n`);
  if (!result.ok) throw new Error(`load of ${file} refused:\n${result.errors.slice(0, 5).map(formatLineError).join('\n')}`);
  return { records: result.records, seconds };
}

/** Runs a psql script against `url`; returns its output. */
export function psql(url: string, script: string): string {
  return execFileSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1'], { input: script, encoding: 'utf8', maxBuffer: 16 << 20 });
}

/** Sum of the `Time:` lines psql prints with `\timing on`, in seconds. */
function timings(output: string): number {
  let ms = 0;
  for (const m of output.matchAll(/^Time: ([\d.]+) ms/gm)) ms += Number(m[1]);
  return ms / 1000;
}

/**
 * COPY of one part's `files` into scratch databases with each service's own tables, one service
 * after another; households before persons. The databases are made on the first call; a later
 * call (the next part) adds its rows to what earlier ones copied, as a second load adds to the first.
 */
export async function timedCopy(serverUrl: string, files: readonly CopyFile[], databaseName: (service: string) => string): Promise<{ rows: number; seconds: number }> {
  const services = [...new Set(files.map((f) => f.service))];
  let seconds = 0;
  let rows = 0;
  for (const service of services) {
    const db = await openDatabase({
      name: `copy-${service}`,
      serverUrl,
      dataDir: 'memory://',
      migrationsFolder: fileURLToPath(new URL(`../../subgraphs/${service}/drizzle`, import.meta.url)),
      poolSize: 1,
    });
    await db.close();
    const url = new URL(serverUrl);
    url.pathname = `/${databaseName(`copy-${service}`)}`;
    const order: CopyFile['table'][] = ['households', 'persons', 'awards', 'disability_certificates'];
    const own = files.filter((f) => f.service === service).sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));
    const script = ['\\timing on', ...own.map((f) => `\\copy ${f.table} (${COPY_COLUMNS[f.table]}) from '${f.file}' with (format csv)`)].join('\n');
    seconds += timings(psql(url.toString(), `${script}\n`));
    rows += own.reduce((n, f) => n + f.rows, 0);
  }
  return { rows, seconds };
}
