import { openSync } from 'node:fs';
/**
 * The system as separate processes, as `npm start` runs it (scripts/start.ts), on free ports and
 * the benchmark's own databases; plus resident memory and CPU time of each child from /proc.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVICES } from '@saf/config';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  name: string;
  process: ChildProcess;
  /** Base URL (no path) of its HTTP server. */
  base: string;
}

export class Processes {
  readonly children = new Map<string, Child>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    /** Children to run under `--cpu-prof` (profiles land in `profileDir`). */
    private readonly profile: ReadonlySet<string>,
    private readonly profileDir: string,
  ) {}

  /** Starts `entry` (a TypeScript file under the repository) as its own Node process. */
  start(name: string, entry: string, base: string, extraEnv: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): Child {
    const args = [...nodeArgs, '--import', 'tsx'];
    // One folder per process: tsx's loader thread writes a profile of its own beside the main thread's.
    if (this.profile.has(name)) args.push('--cpu-prof', '--cpu-prof-dir', `${this.profileDir}/${name}`);
    // BENCH_STDOUT_DIR=<dir>: each process's log (stdout) to <dir>/<name>.log, to see why a part failed.
    const child = spawn(process.execPath, [...args, entry], {
      cwd: ROOT,
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', process.env.BENCH_STDOUT_DIR ? openSync(`${process.env.BENCH_STDOUT_DIR}/${name}.log`, 'w') : 'ignore', 'pipe'],
    });
    // Keep the last lines of stderr for the error message if it dies.
    let tail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', (code, signal) => {
      if (!this.stopping && this.children.get(name)?.process === child) {
        process.stderr.write(`bench: ${name} exited (${signal ?? code})\n${tail}\n`);
      }
    });
    const c = { name, process: child, base };
    this.children.set(name, c);
    return c;
  }

  private stopping = false;

  async waitReady(name: string, timeoutMs = 180_000): Promise<void> {
    const child = this.children.get(name)!;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.process.exitCode !== null) throw new Error(`${name} stopped while starting`);
      try {
        const res = await fetch(`${child.base}/health/ready`);
        await res.text();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready after ${timeoutMs / 1000} s`);
  }

  /** SIGTERM to each child we started, by pid; SIGKILL to those still there after 15 s. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()].filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    const exits = running.map((c) => new Promise((r) => c.process.once('exit', r)));
    for (const c of running) c.process.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
    for (const c of running) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  }

  /** Resident memory (VmRSS) of each child, in MB: with its worker processes (GATEWAY_WORKERS), all of them summed. */
  rss(): Record<string, number> {
    return this.summed((pid) => {
      const kb = readStatus(pid)?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
      return kb ? Number(kb) / 1024 : null;
    });
  }

  /** CPU time (user + system) each child, with its worker processes, has used so far, in ms. */
  cpu(): Record<string, number> {
    return this.summed(cpuMs);
  }

  /** `read` of each child and its worker processes, summed; a child with no reading is left out. */
  private summed(read: (pid: number) => number | null): Record<string, number> {
    const out: Record<string, number> = {};
    const workers = nodeChildren();
    for (const [name, c] of this.children) {
      if (c.process.pid === undefined) continue;
      const readings = [c.process.pid, ...(workers.get(c.process.pid) ?? [])].map(read).filter((x): x is number => x !== null);
      if (readings.length) out[name] = readings.reduce((a, b) => a + b, 0);
    }
    return out;
  }
}

/** Node processes by parent pid: a gateway's cluster workers (GATEWAY_WORKERS > 1). */
function nodeChildren(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (stat?.command !== 'node') continue;
    const parent = Number(stat.fields[1]);
    out.set(parent, [...(out.get(parent) ?? []), Number(pid)]);
  }
  return out;
}

function readStatus(pid: number | undefined): string | null {
  if (!pid) return null;
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** A process's command name and the fields of /proc/<pid>/stat after it, or null when it is gone. */
function procStat(pid: number | string): { command: string; fields: string[] } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command (which may contain spaces) is in parentheses; the fields start after the last ')'.
    const close = stat.lastIndexOf(')');
    return { command: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
  } catch {
    return null;
  }
}

export function cpuMs(pid: number | undefined): number | null {
  const stat = pid ? procStat(pid) : null;
  if (!stat) return null;
  const ticks = Number(stat.fields[11]) + Number(stat.fields[12]); // utime, stime (fields 14 and 15)
  return (ticks / clockTicks()) * 1000;
}

/**
 * CPU milliseconds of the machine's PostgreSQL processes (command "postgres"): the server's own
 * and its backends', with those of backends that have exited (the postmaster's children's time,
 * cutime and cstime). Every database on the server counts, but during a bench only the bench's are busy.
 */
export function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (stat?.command !== 'postgres') continue;
    const f = stat.fields;
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return (ticks / clockTicks()) * 1000;
}

/** The subgraph services, in port order (SPEC section 9). */
export const SUBGRAPHS = SERVICES.map((s) => s.name);

/**
 * CPU milliseconds so far of each PostgreSQL backend serving a database whose name starts with
 * `databasePrefix` (its process title, /proc/<pid>/cmdline, names the database), by pid: the
 * bench's own backends, not those other users of a shared server run.
 */
export function postgresBackendsCpu(databasePrefix: string): Map<number, number> {
  return new Map([...postgresBackends(databasePrefix)].map(([pid, b]) => [pid, b.ms]));
}

/** Each backend of a database of the prefix, by pid: its database and CPU milliseconds so far. */
export function postgresBackends(databasePrefix: string): Map<number, { database: string; ms: number }> {
  const out = new Map<number, { database: string; ms: number }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (stat?.command !== 'postgres') continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const database = backendOf(title, databasePrefix);
    if (!database) continue;
    out.set(Number(pid), { database, ms: ((Number(stat.fields[11]) + Number(stat.fields[12])) / clockTicks()) * 1000 });
  }
  return out;
}

/** The database of the prefix a backend's process title ("postgres: [cluster: ]user database host(port) state") names, or null. */
export function backendOf(title: string, databasePrefix: string): string | null {
  if (!title.startsWith('postgres: ')) return null;
  return title.replaceAll('\0', ' ').split(/\s+/).find((word) => word.startsWith(databasePrefix)) ?? null;
}

/** The CPU each database's backends used between two readings (as backendsCpuSince), by database. */
export function backendsCpuByDatabase(before: ReadonlyMap<number, { ms: number }>, after: ReadonlyMap<number, { database: string; ms: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, b] of after) out.set(b.database, (out.get(b.database) ?? 0) + b.ms - (before.get(pid)?.ms ?? 0));
  return out;
}

/**
 * The CPU the backends used between two readings: each backend's difference, one that started in
 * between counted from nothing. A backend that ended in between is missing (its time went to the
 * postmaster's children's, shared with every other database's).
 */
export function backendsCpuSince(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let ms = 0;
  for (const [pid, v] of after) ms += v - (before.get(pid) ?? 0);
  return ms;
}
