/**
 * The comparison gateways' packages (bench/hive/package.json): installed here on first use by
 * `npm run bench` (npm ci with their own lockfile), not by the repository's `npm install`, and
 * imported from here by bench/gateways/hive.ts and router.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const LOCK = fileURLToPath(new URL('./package-lock.json', import.meta.url));
const INSTALLED = fileURLToPath(new URL('./node_modules/.package-lock.json', import.meta.url));

/** Installs them when missing or older than the lockfile; says so (it takes a minute, once). */
export function ensureComparisonGateways(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  if (existsSync(INSTALLED) && statSync(INSTALLED).mtimeMs >= statSync(LOCK).mtimeMs) return;
  log('bench: installing the comparison gateways (bench/hive: Hive Gateway runtime, Hive Router planner), once…');
  execFileSync('npm', ['ci'], { cwd: DIR, stdio: ['ignore', 'inherit', 'inherit'] });
}

const require = createRequire(new URL('./package.json', import.meta.url));

/** One of their packages, as installed here (run ensureComparisonGateways first). */
export async function importComparison<T>(specifier: string): Promise<T> {
  let resolved: string;
  try {
    resolved = require.resolve(specifier);
  } catch {
    throw new Error(`${specifier} is not installed in bench/hive: run \`npm ci\` there (npm run bench does it)`);
  }
  return (await import(pathToFileURL(resolved).href)) as T;
}
