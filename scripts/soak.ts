/**
 * `npm run soak [-- --duration 60 --connections 10 --households 300 --kill labour]`: starts its own
 * system (every service a process, on free ports and databases of its own: DATABASE_URL's server
 * or PGlite in a temporary folder), loads generated data, drives a caseworker mix (household
 * pictures, person lookups, proposed-award checks) through the gateway with autocannon, kills one
 * subgraph (SIGKILL) at 35 % of the run and starts it again at 50 %, and reports requests, answers
 * by kind, latency percentiles and every process's resident memory.
 *
 * Exit 1 when any answer failed other than the killed department's part (HTTP errors, errors
 * naming another service, blanked households, internal detail), when the killed department was
 * still missing at the end, or when memory kept growing: a process (the killed one aside) whose
 * RSS at the end is over 1.5 × its RSS after warm-up (15 % of the run, at least 5 s) and more than
 * 32 MiB above it.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signDevToken } from '@saf/auth';
import { SERVICES, commonEnv, parseEnv } from '@saf/config';
import { generate } from '@saf/generator';
import { ingestSecrets, ingestTargets, loadFile } from '@saf/loader';
import { judge, nextRequest, population, type Kind } from './soak/mix.ts';
import { rssOf, startSoakSystem } from './soak/system.ts';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
  onResponse: (status: number, body: string, context: Record<string, unknown>) => void;
}
type Autocannon = (options: { url: string; connections: number; duration: number; timeout: number; headers: Record<string, string>; requests: AutocannonRequest[] }) => Promise<AutocannonResult>;
// autocannon ships no types; this is the part of its API the soak uses.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function args(argv: string[]) {
  const out = { duration: 60, connections: 10, households: 300, kill: 'labour' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    const key = flag.replace(/^--/, '') as keyof typeof out;
    if (!(key in out) || value === undefined) throw new Error(`unknown or incomplete option ${flag}\nusage: npm run soak -- [--duration S] [--connections N] [--households N] [--kill SUBGRAPH]`);
    if (key === 'kill') out.kill = value;
    else out[key] = Number(value);
    i++;
  }
  if (!SERVICES.some((s) => s.name === out.kill && s.department)) throw new Error(`--kill must name a department subgraph: ${SERVICES.filter((s) => s.department).map((s) => s.name).join(', ')}`);
  if (!(out.duration >= 10)) throw new Error('--duration must be at least 10 seconds');
  return out;
}

const mib = (bytes: number | null | undefined) => (bytes == null ? '     -' : `${(bytes / 1048576).toFixed(0).padStart(5)} MiB`);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const opts = args(process.argv.slice(2));
  const env = parseEnv(commonEnv);
  if (env.NODE_ENV === 'production') throw new Error('the soak signs development tokens: not with NODE_ENV=production');

  log(`soak: ${opts.duration} s, ${opts.connections} connections, ${opts.households} households; ${opts.kill} killed at 35 %, restarted at 50 %`);
  const system = await startSoakSystem({ databaseUrl: env.DATABASE_URL, nodeEnv: env.NODE_ENV, logLevel: env.LOG_LEVEL, log });
  const dir = await mkdtemp(path.join(tmpdir(), 'saf-soak-data-'));
  try {
    const records = [...generate({ households: opts.households, seed: 'soak' })];
    const file = path.join(dir, 'soak.ndjson');
    await writeFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const loaded = await loadFile(file, { targets: ingestTargets(system.env, system.portBase), secrets: ingestSecrets(system.env, env.NODE_ENV) });
    if (!loaded.ok) throw new Error(`generated data refused: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
    log(`system up on ports ${system.portBase}–${system.portBase + SERVICES.length}, ${loaded.records} records loaded`);

    const pop = population(records);
    const token = await signDevToken({ sub: 'soak-caseworker', role: 'CASEWORKER', region: '6540' }, { expiresIn: `${opts.duration + 600}s` });
    const rss: Record<'start' | 'warm' | 'end', Map<string, number | null>> = { start: new Map(), warm: new Map(), end: new Map() };
    const sample = (into: Map<string, number | null>) => {
      for (const [name, pid] of system.pids()) into.set(name, rssOf(pid));
    };
    sample(rss.start);

    const counts = new Map<string, number>();
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    const started = Date.now();
    const at = (fraction: number) => Math.round(opts.duration * 1000 * fraction);
    const events: string[] = [];
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    let lastPartial = 0;
    let backAt = 0;
    let restarting: Promise<void> = Promise.resolve();
    const timers = [
      setTimeout(() => sample(rss.warm), Math.max(5_000, at(0.15))),
      setTimeout(() => {
        events.push(`${seconds()} s: ${opts.kill} killed (SIGKILL)`);
        void system.kill(opts.kill);
      }, at(0.35)),
      setTimeout(() => {
        events.push(`${seconds()} s: ${opts.kill} restarting`);
        restarting = system.restart(opts.kill).then(
          () => {
            backAt = Date.now();
            events.push(`${seconds()} s: ${opts.kill} ready again`);
          },
          (err: Error) => void events.push(`${seconds()} s: ${opts.kill} failed to restart: ${err.message}`),
        );
      }, at(0.5)),
    ];

    const result = await autocannon({
      url: system.gatewayUrl,
      connections: opts.connections,
      duration: opts.duration,
      timeout: 30,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': encodeURIComponent('低保审核') },
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          setupRequest: (req, context) => {
            const next = nextRequest(pop);
            context.kind = next.kind;
            return { ...req, body: next.body };
          },
          onResponse: (status, body, context) => {
            const kind = context.kind as Kind;
            const verdict = judge(kind, status, String(body), opts.kill);
            if (verdict.outcome === 'ok') count(`ok: ${kind}`);
            else if (verdict.outcome === 'partial') {
              lastPartial = Date.now();
              count(`partial, ${opts.kill} missing (${verdict.reason}): ${kind}`);
            } else count(`FAILED (${verdict.reason}): ${kind}`);
          },
        },
      ],
    });
    sample(rss.end);
    timers.forEach(clearTimeout);
    await restarting;

    const metrics = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text(), () => '');
    const transitions = [...metrics.matchAll(new RegExp(`^saf_subgraph_breaker_transitions_total\\{subgraph="${opts.kill}",state="([a-z-]+)"\\} (\\d+)`, 'gm'))].map((m) => `${m[1]} ×${m[2]}`);

    // The report.
    const failed = [...counts].filter(([k]) => k.startsWith('FAILED')).reduce((n, [, v]) => n + v, 0) + result.errors + result.timeouts;
    log(`\nrequests: ${result.requests.total} in ${result.duration} s (${result.requests.average} req/s on average)`);
    for (const [k, v] of [...counts].sort()) log(`  ${String(v).padStart(7)}  ${k}`);
    if (result.errors || result.timeouts) log(`  ${String(result.errors).padStart(7)}  FAILED (connection errors), ${result.timeouts} timeouts`);
    log(`latency (ms): p50 ${result.latency.p50}, p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}, mean ${result.latency.mean}`);
    log(`chaos: ${events.join('; ')}`);
    log(`breaker for ${opts.kill}: ${transitions.join(', ') || 'no transitions'}; last partial answer ${lastPartial ? `${((lastPartial - started) / 1000).toFixed(1)} s` : 'never'}`);
    log(`memory (RSS)       ${'start'.padStart(9)} ${'warm'.padStart(9)} ${'end'.padStart(9)}`);
    const growth: string[] = [];
    for (const name of ['gateway', ...SERVICES.map((s) => s.name)]) {
      const [s, w, e] = [rss.start.get(name), rss.warm.get(name), rss.end.get(name)];
      const restarted = name === opts.kill;
      log(`  ${name.padEnd(28)} ${mib(s)} ${mib(w)} ${mib(e)}${restarted ? '  (restarted)' : ''}`);
      if (!restarted && w && e && e > 1.5 * w && e - w > 32 * 1048576) growth.push(`${name} grew from ${mib(w).trim()} to ${mib(e).trim()}`);
    }

    const problems: string[] = [];
    if (failed > 0) problems.push(`${failed} requests failed beyond ${opts.kill}'s part`);
    if (!lastPartial) problems.push(`no answer ever missed ${opts.kill}: the kill did not take effect`);
    if (!backAt) problems.push(`${opts.kill} did not come back`);
    else if (lastPartial > backAt + 15_000) problems.push(`${opts.kill}'s part was still missing ${((lastPartial - backAt) / 1000).toFixed(0)} s after it was back`);
    problems.push(...growth);
    log(problems.length ? `\nFAIL: ${problems.join('; ')}` : `\nPASS: only ${opts.kill}'s part was ever missing, it came back, memory is flat`);
    return problems.length ? 1 : 0;
  } finally {
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`soak failed: ${err.message}\n`);
    process.exit(1);
  },
);
