import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseCaller, signDevToken } from '@saf/auth';
import { HttpError, readJson, sendJson } from '@saf/service';
import type { GatewayConfig } from './config.ts';

// The caseworker console (console/, built by Vite into console/dist) served from the gateway:
// index.html at / and for any unknown page path (the app routes in the browser), hashed assets
// cached for a year, a strict CSP. Plus two development helpers refused in production: the
// GraphQL explorer (/explorer/) and POST /dev/token, which mints a development token.

/** Keep in sync with console/build.ts (CONSOLE_DIST). */
const DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths that belong to the API, never answered with the app's index.html. */
const API_PREFIXES = ['/graphql', '/health', '/metrics', '/dev/', '/audit', '/ingest', '/assets/', '/registry/'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Same origin only, no inline script anywhere; the explorer's stylesheet embeds its fonts as data: URLs. */
const CSP_CONSOLE = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const CSP_EXPLORER = CSP_CONSOLE.replace("font-src 'self'", "font-src 'self' data:");

function securityHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('content-security-policy', csp);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}

interface Manifest {
  [key: string]: { file: string; css?: string[]; assets?: string[]; imports?: string[]; dynamicImports?: string[] };
}

/** Files only the explorer uses (from Vite's manifest): refused in production with its page. */
let explorerOnly: { mtimeMs: number; files: Set<string> } | null = null;

async function explorerFiles(): Promise<Set<string>> {
  const path = join(DIST, '.vite', 'manifest.json');
  const info = await stat(path).catch(() => null);
  if (!info) return new Set();
  if (explorerOnly?.mtimeMs === info.mtimeMs) return explorerOnly.files;
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  const closure = (entry: string): Set<string> => {
    const files = new Set<string>();
    const seen = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || seen.has(key)) return;
      seen.add(key);
      files.add(`/${chunk.file}`);
      for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(`/${f}`);
      for (const k of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(k);
    };
    visit(entry);
    return files;
  };
  const main = closure('index.html');
  const files = new Set([...closure('explorer/index.html')].filter((f) => !main.has(f)));
  explorerOnly = { mtimeMs: info.mtimeMs, files };
  return files;
}

/** The file under DIST a URL path names, or null when it would leave DIST. */
function resolveInDist(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const file = normalize(join(DIST, decoded));
  return file === DIST || file.startsWith(DIST + sep) ? file : null;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cache: string, csp: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  securityHeaders(res, csp);
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': cache,
    'last-modified': info.mtime.toUTCString(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  try {
    await pipeline(createReadStream(file), res);
  } catch (err) {
    // The browser went away mid-file: nothing to answer.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
  return true;
}

function notBuilt(res: ServerResponse): true {
  securityHeaders(res, CSP_CONSOLE);
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('The console is not built: run `npm run console:build` (控制台尚未构建).\n');
  return true;
}

/** POST /dev/token {role, region?, department?, sub?} → {token}; GET says whether it is offered. */
async function devToken(req: IncomingMessage, res: ServerResponse): Promise<true> {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  if (req.method === 'GET' || req.method === 'HEAD') {
    sendJson(res, 200, { available: true });
    return true;
  }
  if (req.method !== 'POST') throw new HttpError(405, 'use POST', { error: 'use POST' });
  // JSON only: a plain HTML form on another site cannot send it.
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'JSON only', { error: 'send application/json' });
  const body = (await readJson(req, 4096)) as Record<string, unknown> | null;
  const role = typeof body?.role === 'string' ? body.role : '';
  const claims = {
    sub: typeof body?.sub === 'string' && body.sub.trim() ? body.sub.trim() : `dev-${role.toLowerCase().replace(/_/g, '-') || 'user'}`,
    role,
    ...(typeof body?.region === 'string' && body.region ? { region: body.region } : {}),
    ...(typeof body?.department === 'string' && body.department ? { department: body.department } : {}),
  };
  const parsed = parseCaller(claims);
  if (!parsed.ok) throw new HttpError(400, parsed.reason, { error: parsed.reason });
  sendJson(res, 200, { token: await signDevToken(parsed.caller, { expiresIn: '8h' }) });
  return true;
}

/**
 * Answers the console's paths; false for anything else (the gateway then answers 404). In
 * production the explorer and /dev/token are not there at all (false, hence 404).
 */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, url: URL, config: GatewayConfig): Promise<boolean> {
  const production = config.NODE_ENV === 'production';
  const path = url.pathname;
  if (path === '/dev/token') {
    // Only while the gateway itself accepts development tokens.
    if (production || config.JWT_PUBLIC_KEY || config.JWT_JWKS_URL) return false;
    return devToken(req, res);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/explorer' || path.startsWith('/explorer/')) {
    if (production) return false;
    if (path === '/explorer') {
      res.writeHead(308, { location: '/explorer/' }).end();
      return true;
    }
    return (await sendFile(req, res, join(DIST, 'explorer', 'index.html'), 'no-cache', CSP_EXPLORER)) || notBuilt(res);
  }
  if (path.startsWith('/assets/')) {
    if (production && (await explorerFiles()).has(path)) return false;
    const file = resolveInDist(path);
    // Names carry a content hash: a changed file is a new name, so the old one may be cached for good.
    return file ? sendFile(req, res, file, 'public, max-age=31536000, immutable', CSP_CONSOLE) : false;
  }
  if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return false;
  // A file-like path (favicon.ico, robots.txt) that is not there is a 404, not the app.
  if (extname(path) && path !== '/index.html') return false;
  // The app's pages: /, /search, /households/H…; the browser routes them.
  return (await sendFile(req, res, join(DIST, 'index.html'), 'no-cache', CSP_CONSOLE)) || notBuilt(res);
}
