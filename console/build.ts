import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CONSOLE_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Where the gateway serves the console from (keep in sync with gateway/src/console.ts). */
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const SOURCES = ['src', 'explorer', 'index.html', 'vite.config.ts', 'package.json', '../packages/programmes/catalogue.json', '../packages/auth/purposes.json', '../packages/auth/src/purposes.ts'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e))));
  return Math.max(info.mtimeMs, ...times);
}

/** True when console/dist is missing or older than a source file. */
export async function consoleBuildStale(): Promise<boolean> {
  const built = await stat(join(CONSOLE_DIST, 'index.html')).catch(() => null);
  if (!built || !existsSync(join(CONSOLE_DIST, 'explorer', 'index.html'))) return true;
  const sources = await Promise.all(SOURCES.map((s) => newestMtime(join(CONSOLE_DIR, s))));
  return Math.max(...sources) > built.mtimeMs;
}

let building: Promise<boolean> | null = null;

/**
 * Builds the console (vite build) when console/dist is missing or stale; resolves to whether it
 * built. Vite runs in a child process (no module graph shared with the caller, e.g. vitest), into
 * a fresh folder swapped in at the end, so a running gateway never serves a half-written build.
 * Needs the dev dependencies (vite): a production image builds the console at image build time.
 */
export async function ensureConsoleBuilt(options: { force?: boolean; log?: (message: string) => void } = {}): Promise<boolean> {
  if (!options.force && !(await consoleBuildStale())) return false;
  building ??= (async () => {
    const log = options.log ?? (() => {});
    const tmp = join(CONSOLE_DIR, `.dist-${process.pid}-${Date.now()}`);
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    log('building the console (vite build console)…');
    try {
      await run(process.execPath, [vite, 'build', CONSOLE_DIR, '--outDir', tmp, '--logLevel', 'warn'], { cwd: CONSOLE_DIR, maxBuffer: 16 * 1024 * 1024 });
      await rm(CONSOLE_DIST, { recursive: true, force: true });
      await rename(tmp, CONSOLE_DIST);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const detail = (err as { stderr?: string }).stderr;
      throw new Error(`console build failed${detail ? `:\n${detail}` : `: ${(err as Error).message}`}`);
    }
    log(`console built into ${CONSOLE_DIST}`);
    return true;
  })().finally(() => {
    building = null;
  });
  return building;
}
