/**
 * `npm run load -- FILE`: loads an NDJSON file into the running system (see README, "Data in").
 * Exits 1 with every error (line and field) when any line is bad; nothing is written then.
 */
import { commonEnv, parseEnv } from '@saf/config';
import { formatLineError } from '@saf/interchange';
import { ingestSecrets, ingestTargets, loadFile, type ProgressEvent } from '@saf/loader';

const MAX_SHOWN = 100;

function progressBar(): (e: ProgressEvent) => void {
  let last = 0;
  return (e) => {
    const now = Date.now();
    if (now - last < 200 && e.done < e.total) return;
    last = now;
    const ratio = e.total ? Math.min(1, e.done / e.total) : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
    const line = `${e.phase.padEnd(16)} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${e.done >= e.total ? '\n' : ''}`);
    else if (e.done >= e.total) process.stderr.write(`${line}\n`);
  };
}

async function main(): Promise<number> {
  const file = process.argv.slice(2).find((a) => !a.startsWith('-'));
  if (!file) {
    process.stderr.write('usage: npm run load -- FILE.ndjson\n');
    return 2;
  }
  const env = parseEnv(commonEnv);
  const started = Date.now();
  const result = await loadFile(file, { targets: ingestTargets(process.env, env.SUBGRAPH_PORT_BASE), secrets: ingestSecrets(process.env, env.NODE_ENV), onProgress: progressBar() });
  if (!result.ok) {
    const shown = result.errors.slice(0, MAX_SHOWN).map(formatLineError);
    process.stderr.write(`${file}: ${result.errors.length} error(s); nothing was loaded\n${shown.join('\n')}\n`);
    if (result.errors.length > MAX_SHOWN) process.stderr.write(`… and ${result.errors.length - MAX_SHOWN} more\n`);
    return 1;
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`loaded ${result.records} records in ${seconds.toFixed(1)} s (${Math.round(result.records / seconds)} records/s)\n`);
  for (const [dept, counts] of Object.entries(result.counts)) {
    process.stdout.write(`  ${dept.padEnd(28)} ${Object.entries(counts).map(([k, n]) => `${k}: ${n} written`).join(', ')}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`load failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
