/**
 * Measures `npm start` (scripts/start.ts) as a new user meets it: a fresh DATA_DIR each run, the
 * time until it prints `running (ready in …)`, and the resident memory (RSS, from /proc) of its
 * whole process tree, sampled every 500 ms: the peak while starting and the total at ready, with
 * each process's share. Then Ctrl-C (SIGINT) and the time stopping took.
 *
 *   npx tsx bench/start.ts [--runs 1] [--demo 0,1] [--env KEY=VALUE ...] [--label before] [--cwd CHECKOUT]
 *
 * Prints one markdown table row per run (and the per-process breakdown of the last sample).
 * Not a test: figures depend on the machine's load, so compare runs made side by side.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const extraEnv: Record<string, string> = {};
args.forEach((a, i) => {
  if (a === '--env') {
    const [k, ...v] = args[i + 1]!.split('=');
    extraEnv[k!] = v.join('=');
  }
});
const runs = Number(opt('runs', '1'));
const demos = opt('demo', '0,1').split(',');
const label = opt('label', '');
const portBase = Number(opt('port-base', '24000'));
/** The checkout to start (another clone measures the code before a change side by side). */
const cwd = opt('cwd', ROOT);

const PAGE = 4096;
function children(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  return kids;
}

interface Proc {
  pid: number;
  name: string;
  rssMb: number;
  cpuS: number;
}

function tree(root: number): Proc[] {
  const kids = children();
  const out: Proc[] = [];
  const walk = (pid: number) => {
    try {
      const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const entry = cmd.find((c) => c.endsWith('.ts')) ?? cmd.slice(0, 2).join(' ');
      const name = entry.replace(/^subgraphs\/([^/]+)\/src\/index\.ts$/, '$1').replace(/^gateway\/src\/index\.ts$/, 'gateway').replace(/^scripts\//, '');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime and the waited-for children's (fields 14-17 of stat) in clock ticks.
      const cpuS = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
      out.push({ pid, name, rssMb: (Number(statm[1]) * PAGE) / 2 ** 20, cpuS });
    } catch {
      return;
    }
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  walk(root);
  return out;
}

const sum = (ps: Proc[]) => ps.reduce((a, p) => a + p.rssMb, 0);

async function once(demo: string): Promise<{ readyS: number; peakMb: number; atReadyMb: number; stopS: number; procs: Proc[]; lines: string[] }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saf-start-'));
  const began = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DEMO_DATA: demo, GATEWAY_PORT: String(portBase), SUBGRAPH_PORT_BASE: String(portBase), ...extraEnv };
  for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k.endsWith('_DATABASE_URL')) delete env[k];
  // `npm start` itself, as a user runs it: npm and what its script runs count too.
  const child = spawn('npm', ['start', '--silent'], {
    cwd,
    detached: true,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let readyS = 0;
  const ready = new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        lines.push(`${((Date.now() - began) / 1000).toFixed(1).padStart(6)} ${l}`);
        if (l.startsWith('running (ready in')) {
          readyS = (Date.now() - began) / 1000;
          resolve();
        }
      }
    });
    child.stderr!.on('data', (c: Buffer) => lines.push(`  err ${c.toString('utf8').trimEnd()}`));
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${lines.slice(-40).join('\n')}`)));
  });
  let peakMb = 0;
  let procs: Proc[] = [];
  const sampler = setInterval(() => {
    procs = tree(child.pid!);
    peakMb = Math.max(peakMb, sum(procs));
  }, 500);
  await ready;
  procs = tree(child.pid!);
  const atReadyMb = sum(procs);
  peakMb = Math.max(peakMb, atReadyMb);
  clearInterval(sampler);
  const stopBegan = Date.now();
  const exited = new Promise((r) => child.once('exit', r));
  // Ctrl-C in a terminal reaches the whole process group.
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  const stopS = (Date.now() - stopBegan) / 1000;
  rmSync(dataDir, { recursive: true, force: true });
  return { readyS, peakMb, atReadyMb, stopS, procs, lines };
}

const load = () => os.loadavg()[0]!.toFixed(1);
process.stdout.write(`| label | demo data | load before | ready s | RSS at ready MB | peak RSS MB | stop s |\n|---|---|---|---|---|---|---|\n`);
const detail: string[] = [];
for (let r = 0; r < runs; r++) {
  for (const demo of demos) {
    const l = load();
    const res = await once(demo);
    process.stdout.write(`| ${label} | ${demo === '1' ? 'yes' : 'no'} | ${l} | ${res.readyS.toFixed(1)} | ${res.atReadyMb.toFixed(0)} | ${res.peakMb.toFixed(0)} | ${res.stopS.toFixed(1)} |\n`);
    detail.push(`${label} demo=${demo} run ${r + 1} (MB RSS / CPU s at ready): ${res.procs.map((p) => `${p.name} ${p.rssMb.toFixed(0)}/${p.cpuS.toFixed(1)}`).join(', ')}; CPU in all ${res.procs.reduce((a, p) => a + p.cpuS, 0).toFixed(0)} s`);
    if (process.env.START_BENCH_LINES) detail.push(...res.lines);
  }
}
process.stdout.write(`\n${detail.join('\n')}\n`);
