/**
 * Runs services as child processes for `npm start`: their output passed through and its last lines
 * kept, readiness awaited with progress, and once running, a service that dies started again with
 * exponential backoff (1 s, 2 s, 4 s … 30 s; back to 1 s after it stayed up a minute) while the
 * others keep serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Lines of each service's output kept for a failure report. */
export const KEPT_LINES = 30;
export const BACKOFF_FIRST_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** A service up this long has recovered: its next crash waits BACKOFF_FIRST_MS again. */
export const STABLE_MS = 60_000;
const PROGRESS_EVERY_MS = 10_000;

/** The wait before restart number `attempt` (0-based) of a service that keeps dying. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
}

/** The last `size` lines of a stream of chunks. */
export class LineRing {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly size = KEPT_LINES) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }
  private add(line: string): void {
    this.lines.push(line.replace(/\r$/, ''));
    if (this.lines.length > this.size) this.lines.shift();
  }
  snapshot(): string[] {
    return this.partial ? [...this.lines, this.partial].slice(-this.size) : [...this.lines];
  }
}

export interface Supervised {
  name: string;
  /** The service's last lines of output (stdout and stderr, as they came). */
  lastLines(): string[];
}

export interface ServiceOptions {
  /** Added to this process's environment for the service. */
  env?: Record<string, string>;
  /** Ready once the service prints a line containing this (instead of answering /health/ready). */
  readyLine?: string;
  /** Stopped after every other service has exited (the databases they use). */
  stopLast?: boolean;
}

interface Service extends Supervised, ServiceOptions {
  entry: string;
  /** Whether `readyLine` was printed since the service was last spawned. */
  saidReady: boolean;
  /** `/health/ready` lives under it. */
  base: string;
  child: ChildProcess | null;
  ring: LineRing;
  startedAt: number;
  /** Consecutive restarts without a STABLE_MS stretch up. */
  failures: number;
  timer: NodeJS.Timeout | null;
  onExit: ((how: string) => void) | null;
}

export class StartError extends Error {
  constructor(
    message: string,
    readonly service: Supervised,
  ) {
    super(message);
  }
}

export interface SupervisorOptions {
  root: string;
  /** Entries compiled to JavaScript (scripts/bundle.mjs), run on plain Node; the others run under tsx. */
  compiled?: ReadonlyMap<string, string>;
  readyTimeoutMs: number;
  out: (line: string) => void;
  err: (line: string) => void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Supervisor {
  private services = new Map<string, Service>();
  private stopping = false;
  /** After `keepRunning`: a service that exits is restarted rather than failing the start. */
  private running = false;

  constructor(private readonly options: SupervisorOptions) {}

  add(name: string, entry: string, base: string, options: ServiceOptions = {}): Supervised {
    const ring = new LineRing();
    const service: Service = { ...options, name, entry, base, saidReady: false, child: null, ring, startedAt: 0, failures: 0, timer: null, onExit: null, lastLines: () => ring.snapshot() };
    this.services.set(name, service);
    return service;
  }

  private spawn(service: Service): void {
    const compiled = this.options.compiled?.get(service.entry);
    const child = spawn(process.execPath, compiled ? [compiled] : ['--import', 'tsx', service.entry], {
      cwd: this.options.root,
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', ...service.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.child = child;
    service.startedAt = Date.now();
    service.saidReady = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (service.readyLine && text.includes(service.readyLine)) service.saidReady = true;
      service.ring.push(text);
      process.stdout.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      service.ring.push(chunk.toString('utf8'));
      process.stderr.write(chunk);
    });
    child.on('exit', (code, signal) => {
      if (service.child === child) service.child = null;
      const how = signal ?? `exit ${code}`;
      if (this.stopping) return;
      if (service.onExit) return service.onExit(how);
      if (this.running) this.restart(service, how);
    });
  }

  /** Resolves when the service answers /health/ready; rejects when it exits first or the limit passes. */
  private ready(service: Service): Promise<number> {
    return new Promise((resolve, reject) => {
      const deadline = service.startedAt + this.options.readyTimeoutMs;
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        service.onExit = null;
        fn();
      };
      service.onExit = (how) => finish(() => reject(new StartError(`${service.name} stopped while starting (${how})`, service)));
      const poll = async () => {
        while (!done && !this.stopping) {
          if (await this.isReady(service)) return finish(() => resolve(Date.now() - service.startedAt));
          if (Date.now() > deadline) return finish(() => reject(new StartError(`${service.name} not ready after ${this.options.readyTimeoutMs / 1000} s (START_TIMEOUT_S)`, service)));
          await new Promise((r) => setTimeout(r, 250));
        }
      };
      void poll();
    });
  }

  /** Whether the service said it is ready (`readyLine`) or answers /health/ready. */
  private async isReady(service: Service): Promise<boolean> {
    if (service.readyLine) return service.saidReady;
    try {
      const res = await fetch(`${service.base}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false; // not listening yet
    }
  }

  /**
   * Starts `list` at once and waits until every one is ready: one line as each is, one every 10 s
   * naming who is still starting. One of `needed` (started before, what these depend on) that
   * exits meanwhile fails the start, naming it.
   */
  async startAll(list: Supervised[], needed: Supervised[] = []): Promise<void> {
    const services = list.map((s) => this.services.get(s.name)!);
    const waiting = new Set(services.map((s) => s.name));
    const began = Date.now();
    let neededExit: (err: StartError) => void = () => {};
    const neededGone = new Promise<never>((_, reject) => (neededExit = reject));
    neededGone.catch(() => {});
    const watched = needed.map((n) => this.services.get(n.name)!);
    for (const w of watched) w.onExit = (how) => neededExit(new StartError(`${w.name} stopped while the others started (${how})`, w));
    for (const s of services) this.spawn(s);
    const progress = setInterval(() => {
      if (waiting.size) this.options.out(`still starting (${Math.round((Date.now() - began) / 1000)} s): ${[...waiting].join(', ')}`);
    }, PROGRESS_EVERY_MS);
    try {
      await Promise.race([
        neededGone,
        Promise.all(
          services.map(async (s) => {
            const took = await this.ready(s);
            waiting.delete(s.name);
            this.options.out(`${s.name} ready (${seconds(took)}, pid ${s.child?.pid})`);
          }),
        ),
      ]);
    } finally {
      clearInterval(progress);
      for (const w of watched) w.onExit = null;
    }
  }

  /** From now on a service that exits is started again (with backoff) instead of failing the start. */
  keepRunning(): void {
    this.running = true;
    // One that died between its readiness and now is restarted too.
    for (const s of this.services.values()) if (!s.child && !s.timer) this.restart(s, 'exited');
  }

  private restart(service: Service, how: string): void {
    if (Date.now() - service.startedAt >= STABLE_MS) service.failures = 0;
    const wait = backoffMs(service.failures);
    service.failures++;
    this.options.err(`${service.name} exited (${how}); starting it again in ${seconds(wait)}; the others keep serving`);
    service.timer = setTimeout(() => {
      service.timer = null;
      if (this.stopping) return;
      this.spawn(service);
      this.ready(service).then(
        (took) => this.options.out(`${service.name} back (ready in ${seconds(took)}, pid ${service.child?.pid})`),
        (err: Error) => {
          // Not ready in time: say so with its last lines, and leave it running (or, if it exited, the exit handler restarts it).
          if (this.stopping) return;
          this.options.err(`${err.message}; last lines:\n${service.ring.snapshot().map((l) => `  | ${l}`).join('\n')}`);
          if (service.child === null && !service.timer) this.restart(service, 'exited while starting');
        },
      );
    }, wait);
  }

  /** SIGTERM to every service (they drain), SIGKILL to any still running after `graceMs`. */
  async stop(graceMs = 25_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const live = [...this.services.values()];
    for (const s of live) if (s.timer) clearTimeout(s.timer);
    await this.terminate(live.filter((s) => !s.stopLast), graceMs);
    await this.terminate(live.filter((s) => s.stopLast), graceMs);
  }

  private async terminate(services: Service[], graceMs: number): Promise<void> {
    const children = services.map((s) => s.child).filter((c): c is ChildProcess => c !== null && c.exitCode === null && c.signalCode === null);
    const exits = children.map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of children) c.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, graceMs))]);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
