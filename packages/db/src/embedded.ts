/**
 * One process serving every service's embedded database (PGlite) over the PostgreSQL wire
 * protocol, so that services connect with the ordinary `pg` driver, as to a server, instead of
 * each starting its own PGlite (about 700 MB each: the compiled PostgreSQL is most of it).
 *
 * Each service keeps its own PGlite instance (its own directory, `DATA_DIR/<service>`, as before),
 * chosen by the database name a connection asks for: nothing is shared between services, no
 * session state (search_path, prepared statements, an open transaction) can cross from one to
 * another. PGlite is one backend, so each instance serves one connection at a time; others wait
 * their turn between requests (services use a pool of one; an operator's psql can join): a
 * connection keeps the backend while it is in a transaction, an extended-query sequence or a COPY.
 * When a connection ends, what it left is undone (an open transaction rolled back, its prepared
 * statements deallocated, `RESET ALL`). Settings made with SET while it runs are seen by the other
 * connections to the same database, which share the one session: the services make none.
 *
 * PGlite runs the protocol itself (`execProtocolRaw`) except `COPY … FROM STDIN`, which it cannot
 * read from a socket: those are answered here (CopyInResponse, the rows collected, then one
 * `COPY … FROM '/dev/blob'` with them). This was written for PGlite 0.5.17 rather than taking
 * `@electric-sql/pglite-socket`, whose releases each pin one exact PGlite version.
 */
import net from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSS_REQUEST = 80877104;
const COPY_FROM_STDIN = /^\s*(COPY\s+[\s\S]+?\s+FROM\s+)STDIN\s*;?\s*$/i;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstring = (s: string) => Buffer.from(`${s}\0`, 'utf8');

function errorResponse(code: string, text: string, severity = 'ERROR'): Buffer {
  return message('E', Buffer.concat([Buffer.from('S'), cstring(severity), Buffer.from('V'), cstring(severity), Buffer.from('C'), cstring(code), Buffer.from('M'), cstring(text), Buffer.from([0])]));
}

const readyForQuery = (status: string) => message('Z', Buffer.from(status, 'latin1'));

const parameterStatus = (name: string, value: string) => message('S', Buffer.concat([cstring(name), cstring(value)]));

/**
 * The answer to a startup message while the database is still opening, as PGlite gives it once
 * open (authentication ok, the session's settings, ready): what a client needs to send its first
 * request, which then waits for the database.
 */
const PENDING_STARTUP = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])),
  parameterStatus('client_encoding', 'UTF8'),
  parameterStatus('server_encoding', 'UTF8'),
  parameterStatus('DateStyle', 'ISO, MDY'),
  parameterStatus('integer_datetimes', 'on'),
  parameterStatus('standard_conforming_strings', 'on'),
  parameterStatus('TimeZone', 'UTC'),
  message('K', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])),
  readyForQuery('I'),
]);
const query = (sql: string) => message('Q', cstring(sql));

/** The status byte of the last ReadyForQuery in `out` ('I' idle, 'T' in a transaction, 'E' failed one), or null. */
function lastStatus(out: Buffer): string | null {
  let status: string | null = null;
  for (let at = 0; at + 5 <= out.length; at += 1 + out.readInt32BE(at + 1)) if (out[at] === 0x5a) status = String.fromCharCode(out[at + 5]!);
  return status;
}

/** One database's PostgreSQL: a PGlite on this thread, or in a worker thread of its own. */
interface Backend {
  execProtocolRaw(message: Uint8Array): Promise<Uint8Array>;
  /** `COPY … FROM '/dev/blob'` with `data` as the blob; the rows copied. */
  copyFrom(statement: string, data: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

function inThread(pglite: PGlite): Backend {
  return {
    execProtocolRaw: (m) => pglite.execProtocolRaw(m),
    copyFrom: async (statement, data) => (await pglite.query(statement, [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) })).affectedRows ?? 0,
    close: () => pglite.close(),
  };
}

/**
 * A database's PGlite in a worker thread (`threads`): the nine open and run side by side instead of
 * taking turns on one thread (PGlite is CPU-bound while opening), for more memory and CPU in all. Plain JavaScript, evaluated: it runs the same under tsx and from
 * the compiled start (scripts/bundle.mjs). The compiled PostgreSQL (WebAssembly) is compiled once
 * and shared by the workers.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite } = await import(workerData.pglite);
  const db = await PGlite.create(workerData.dir, {
    postgresqlconf: workerData.conf,
    pgliteWasmModule: workerData.wasmModule,
    loadDataDir: workerData.template,
  });
  // Copied into the database's directory: not kept (40 MB a database).
  workerData.template = undefined;
  parentPort.on('message', async (m) => {
    try {
      if (m.op === 'exec') {
        const out = await db.execProtocolRaw(m.data);
        parentPort.postMessage({ id: m.id, data: out });
      } else if (m.op === 'copy') {
        const r = await db.query(m.statement, [], { blob: new Blob([m.data]) });
        parentPort.postMessage({ id: m.id, rows: r.affectedRows ?? 0 });
      } else if (m.op === 'close') {
        await db.close();
        parentPort.postMessage({ id: m.id });
      }
    } catch (err) {
      parentPort.postMessage({ id: m.id, error: { message: err && err.message ? err.message : String(err), code: err && err.code } });
    }
  });
  parentPort.postMessage({ open: true });
})().catch((err) => parentPort.postMessage({ failed: (err && err.stack) || String(err) }));
`;

let wasmModule: Promise<WebAssembly.Module> | null = null;
const pgliteUrl = () => import.meta.resolve('@electric-sql/pglite');

async function inWorker(dir: string, template: Blob | undefined): Promise<Backend> {
  wasmModule ??= (async () => WebAssembly.compile(await readFile(fileURLToPath(new URL('./pglite.wasm', pgliteUrl())))))();
  const worker = new Worker(WORKER, {
    eval: true,
    // A Blob is passed to a worker without copying its bytes.
    workerData: { pglite: pgliteUrl(), dir, conf: EMBEDDED_CONF, wasmModule: await wasmModule, template },
  });
  const waiting = new Map<number, { resolve: (m: WorkerReply) => void; reject: (err: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: WorkerReply & { open?: boolean; failed?: string }) => {
      if (m.open) return resolve();
      if (m.failed) return reject(new Error(m.failed));
      const w = waiting.get(m.id!);
      waiting.delete(m.id!);
      w?.resolve(m);
    });
    const gone = (err: Error) => {
      failure = err;
      reject(err);
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the database's worker thread exited (${code})`)));
  });
  const call = (m: Record<string, unknown>): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = next++;
      waiting.set(id, {
        resolve: (reply) => (reply.error ? reject(Object.assign(new Error(reply.error.message), { code: reply.error.code })) : resolve(reply)),
        reject,
      });
      worker.postMessage({ ...m, id });
    });
  return {
    execProtocolRaw: async (data) => (await call({ op: 'exec', data })).data!,
    copyFrom: async (statement, data) => (await call({ op: 'copy', statement, data })).rows!,
    close: async () => {
      await call({ op: 'close' });
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

interface WorkerReply {
  id?: number;
  data?: Uint8Array;
  rows?: number;
  error?: { message: string; code?: string };
}

interface Waiting {
  grant: () => void;
}

/** One service's PGlite and whose turn it is. */
class Instance {
  private busy = false;
  private readonly queue: Waiting[] = [];
  /** What PGlite answered the first startup message: the session is one, later connections join it. */
  startupReply: Buffer | null = null;
  /** Resolves once the database is open (it opens in the background while the server already listens). */
  readonly db: Promise<Backend>;
  opened = false;
  resolve!: (db: Backend) => void;
  reject!: (err: unknown) => void;
  /** A connection waits for it: opened next. */
  wanted: () => void = () => {};
  constructor(readonly name: string) {
    this.db = new Promise<Backend>((resolve, reject) => {
      this.resolve = (db) => {
        this.opened = true;
        resolve(db);
      };
      this.reject = reject;
    });
    // A failure is reported through onFatal; connections waiting get it from their own await.
    this.db.catch(() => {});
  }

  /** Resolves when the caller has the backend to itself; `release` lets the next in. */
  acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ grant: resolve }));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.busy = false;
  }
}

/** The name a Parse ('P') or Close-statement ('C' 'S') message gives, '' for the unnamed one. */
function statementName(m: Buffer): string {
  const from = m[0] === 0x43 ? 6 : 5;
  return m.subarray(from, m.indexOf(0, from)).toString('utf8');
}

/**
 * One client connection, bound to an instance after its startup message. Connections to one
 * instance take turns on its one backend: a connection has it from a request until the answer
 * ends idle (ReadyForQuery 'I'), so a transaction, an extended-query sequence up to its Sync or a
 * COPY is never interleaved with another connection's requests.
 */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private instance: Instance | null = null;
  private db: Backend | null = null;
  private chain: Promise<void> = Promise.resolve();
  private status = 'I';
  /** Rows of a COPY FROM STDIN being received, and the statement to run them with. */
  private copy: { statement: string; chunks: Buffer[] } | null = null;
  private closed = false;
  /** Whether this connection has the backend now (mid-transaction, mid-sequence or mid-COPY between its requests). */
  private holding = false;
  /** Whether the last answer ended with ReadyForQuery. */
  private synced = true;
  /** Named prepared statements this connection made: deallocated when it ends. */
  private readonly statements = new Set<string>();
  /** The startup message of a connection answered while its database was still opening. */
  private pendingStartup: Buffer | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly instances: Map<string, Instance>,
    private readonly onFatal: (err: unknown) => void,
    private readonly stopping: () => boolean,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.end());
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const messages: Buffer[] = [];
    let at = 0;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length - at < 8) break;
        const length = this.buffer.readInt32BE(at);
        if (this.buffer.length - at < length) break;
        const startup = this.buffer.subarray(at, at + length);
        at += length;
        const code = startup.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.started = true;
        messages.push(Buffer.from(startup));
        continue;
      }
      if (this.buffer.length - at < 5) break;
      const length = this.buffer.readInt32BE(at + 1);
      if (this.buffer.length - at < 1 + length) break;
      messages.push(Buffer.from(this.buffer.subarray(at, at + 1 + length)));
      at += 1 + length;
    }
    this.buffer = this.buffer.subarray(at);
    if (messages.length) this.chain = this.chain.then(() => this.handle(messages)).catch((err) => this.fail(err));
  }

  private async handle(messages: Buffer[]): Promise<void> {
    if (this.closed) return;
    if (!this.instance) {
      await this.startup(messages.shift()!);
      if (!this.instance || !messages.length) return;
    }
    if (!this.holding) {
      await this.instance.acquire();
      this.holding = true;
    }
    try {
      await this.joinSession();
      await this.run(messages);
    } finally {
      // The backend goes to the next connection once this one's answer ended idle.
      if (this.holding && !this.copy && this.synced && this.status === 'I') {
        this.holding = false;
        this.instance.release();
      }
    }
  }

  private async run(messages: Buffer[]): Promise<void> {
    let pending: Buffer[] = [];
    const flush = async () => {
      if (!pending.length) return;
      const out = Buffer.from(await this.db!.execProtocolRaw(new Uint8Array(Buffer.concat(pending))));
      pending = [];
      const status = lastStatus(out);
      this.synced = status !== null;
      this.status = status ?? this.status;
      if (out.length) this.socket.write(out);
    };
    for (const m of messages) {
      const type = String.fromCharCode(m[0]!);
      if (this.copy) {
        if (type === 'd') this.copy.chunks.push(m.subarray(5));
        else if (type === 'c') await this.finishCopy();
        else if (type === 'f') {
          this.copy = null;
          if (this.status === 'T') this.status = 'E';
          this.synced = true;
          this.socket.write(Buffer.concat([errorResponse('57014', 'COPY from stdin failed: the client gave up'), readyForQuery(this.status)]));
        }
        continue;
      }
      if (type === 'X') {
        await flush();
        this.socket.end();
        return;
      }
      if (type === 'P') {
        const name = statementName(m);
        if (name) this.statements.add(name);
      } else if (type === 'C' && m[5] === 0x53) this.statements.delete(statementName(m));
      if (type === 'Q') {
        const sql = m.subarray(5, m.length - 1).toString('utf8');
        const copy = COPY_FROM_STDIN.exec(sql);
        if (copy) {
          await flush();
          this.copy = { statement: `${copy[1]}'/dev/blob'`, chunks: [] };
          this.synced = false;
          // Text format, no per-column formats: what pg-copy-streams needs to start sending.
          this.socket.write(message('G', Buffer.from([0, 0, 0])));
          continue;
        }
      }
      pending.push(m);
    }
    await flush();
  }

  private async startup(startup: Buffer): Promise<void> {
    const fields = startup.subarray(8).toString('utf8').split('\0');
    const params = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]) params.set(fields[i]!, fields[i + 1]!);
    const name = params.get('database') ?? params.get('user') ?? '';
    const instance = this.instances.get(name);
    if (!instance) {
      this.socket.end(errorResponse('3D000', `database "${name}" does not exist here: this embedded server holds ${[...this.instances.keys()].join(', ')}`, 'FATAL'));
      this.closed = true;
      return;
    }
    this.instance = instance;
    this.status = 'I';
    if (!instance.opened) {
      // Still opening: the client is answered now (a driver's connect timeout is a few seconds) and
      // its first request waits until the database is open; the session is started then.
      this.socket.write(PENDING_STARTUP);
      this.pendingStartup = startup;
      instance.wanted();
      this.db = await instance.db;
      return;
    }
    this.db = await instance.db;
    await instance.acquire();
    try {
      // Later connections join the session the first one started: a startup message would start it afresh.
      instance.startupReply ??= Buffer.from(await this.db.execProtocolRaw(new Uint8Array(startup)));
      this.socket.write(instance.startupReply);
    } finally {
      instance.release();
    }
  }

  /** A connection answered before its database was open: the session it asked for, started once the backend is its (no reply: it had one). */
  private async joinSession(): Promise<void> {
    const startup = this.pendingStartup;
    if (!startup) return;
    this.pendingStartup = null;
    this.instance!.startupReply ??= Buffer.from(await this.db!.execProtocolRaw(new Uint8Array(startup)));
  }

  private async finishCopy(): Promise<void> {
    const { statement, chunks } = this.copy!;
    this.copy = null;
    this.synced = true;
    try {
      const rows = await this.db!.copyFrom(statement, new Uint8Array(Buffer.concat(chunks)));
      this.socket.write(Buffer.concat([message('C', cstring(`COPY ${rows}`)), readyForQuery(this.status)]));
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (this.status === 'T') this.status = 'E';
      this.socket.write(Buffer.concat([errorResponse(e.code ?? 'XX000', e.message ?? String(err)), readyForQuery(this.status)]));
    }
  }

  private fail(err: unknown): void {
    this.socket.destroy();
    this.onFatal(err);
  }

  /** The client is gone: undo what it left (an open transaction, its prepared statements), and pass the backend on. */
  private async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    const instance = this.instance;
    // The server is closing its databases: nothing to undo, no one to let in.
    if (!instance || this.stopping()) return;
    if (!this.holding) {
      await instance.acquire();
      this.holding = true;
    }
    try {
      if (this.status !== 'I' || this.copy) await this.db!.execProtocolRaw(new Uint8Array(query('ROLLBACK')));
      for (const name of this.statements) await this.db!.execProtocolRaw(new Uint8Array(query(`DEALLOCATE "${name.replaceAll('"', '""')}"`)));
      // Settings it made (SET search_path …) would stay with the session the others share.
      await this.db!.execProtocolRaw(new Uint8Array(query('RESET ALL')));
    } catch (err) {
      this.onFatal(err);
    }
    this.holding = false;
    instance.release();
  }
}

export interface EmbeddedServer {
  port: number;
  /** A connection URL for one service's database. */
  url(name: string): string;
  /** Resolves when every database is open (they open one after another once the server listens; rejects on the first that cannot). */
  opened: Promise<void>;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Parent directory: each service's database is `<dataDir>/<name>` (the directories `openDatabase` uses); `memory://` keeps them in memory. */
  dataDir: string;
  names: readonly string[];
  port?: number;
  host?: string;
  /** Told as each database opens (`fresh`: made now, from the empty cluster). */
  onOpen?: (name: string, ms: number, fresh: boolean) => void;
  /** Something the server cannot go on from (PGlite stopped, a database that cannot open): the host should exit, to be restarted. */
  onFatal?: (err: unknown) => void;
  /**
   * A file keeping the empty cluster new databases are copied from (made by `initdb` when missing:
   * on two busy cores about 10 s of CPU, the most of a first start); kept per PGlite version.
   */
  templateCache?: string;
  /**
   * Each database in a worker thread of its own, all opening at once; default false: all on this
   * thread, one after another. Measured on 2026-12-07 (nine databases, two cores at load ~30): the
   * threads took 1,391 MB and 23.6 s of CPU against about 775 MB and 17 s on one thread (each
   * worker has its own JavaScript heap and PGlite), so `npm start` keeps one thread
   * (EMBEDDED_THREADS=1 gives threads, for a machine with cores and memory to spare).
   */
  threads?: boolean;
}

/**
 * PostgreSQL settings of the embedded databases: PGlite's default shared buffers (128 MB each) are
 * most of what an instance holds; a demo's databases are small. Measured on 2026-12-07: three
 * instances in one process 1,031 MB with the default, 522 MB with 8 MB.
 */
export const EMBEDDED_CONF = ['shared_buffers=16MB'];

/** The empty cluster: from `templateCache` when there, else made now (and kept there). */
async function makeEmptyCluster(templateCache: string | undefined): Promise<Blob> {
  if (templateCache) {
    const kept = await readFile(templateCache).catch(() => null);
    if (kept) return new Blob([new Uint8Array(kept)]);
  }
  const seed = await PGlite.create('memory://', { postgresqlconf: EMBEDDED_CONF });
  try {
    const blob = (await seed.dumpDataDir('none')) as Blob;
    if (templateCache) {
      // Written aside and renamed: a start beside this one never reads half a file.
      const tmp = `${templateCache}.${process.pid}.tmp`;
      await mkdir(path.dirname(templateCache), { recursive: true });
      await writeFile(tmp, new Uint8Array(await blob.arrayBuffer()));
      await rename(tmp, templateCache);
    }
    return blob;
  } finally {
    await seed.close();
  }
}

/**
 * Serves every service's PGlite on one port, by database name. The server listens at once and the
 * databases open in the background, one after another (PGlite runs on this one thread), the one a
 * connection waits for first: a client connecting meanwhile is answered and its first request
 * waits until its database is open. New databases are copied from one empty cluster (`initdb`
 * once, not once each: on two busy cores each took 15–20 s).
 */
export async function serveEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const memory = options.dataDir === 'memory://';
  const threads = options.threads ?? false;
  if (!memory) await mkdir(path.resolve(options.dataDir), { recursive: true });
  const instances = new Map<string, Instance>();
  let template: Promise<Blob> | null = null;
  const emptyCluster = () => (template ??= makeEmptyCluster(memory ? undefined : options.templateCache));
  const order: Instance[] = [];
  for (const name of options.names) {
    const instance = new Instance(name);
    instance.wanted = () => {
      // Not yet opening: next in line.
      const at = order.indexOf(instance);
      if (at > 0) order.unshift(...order.splice(at, 1));
    };
    instances.set(name, instance);
    order.push(instance);
  }
  let stopping = false;
  const open = async (instance: Instance) => {
    const dir = memory ? 'memory://' : path.resolve(options.dataDir, instance.name);
    const fresh = memory || !existsSync(path.join(dir, 'PG_VERSION'));
    const began = Date.now();
    const template = fresh ? await emptyCluster() : undefined;
    const backend = threads ? await inWorker(dir, template) : inThread(await PGlite.create(dir, { postgresqlconf: EMBEDDED_CONF, loadDataDir: template }));
    instance.resolve(backend);
    options.onOpen?.(instance.name, Date.now() - began, fresh);
  };
  const onFatal =
    options.onFatal ??
    ((err: unknown) => {
      throw err;
    });
  const openOrSay = async (instance: Instance) => {
    try {
      await open(instance);
    } catch (err) {
      const failure = new Error(`embedded database ${instance.name} (${memory ? 'memory' : path.resolve(options.dataDir, instance.name)}) cannot be opened: ${(err as Error).message}`);
      instance.reject(failure);
      throw failure;
    }
  };
  const opened = (async () => {
    if (threads) {
      // The empty cluster first (when some are new), then all at once, each on its thread.
      if (memory || order.some((i) => !existsSync(path.join(path.resolve(options.dataDir, i.name), 'PG_VERSION')))) await emptyCluster();
      await Promise.all(order.splice(0).map(openOrSay));
      return;
    }
    for (let next = order.shift(); next && !stopping; next = order.shift()) await openOrSay(next);
  })();
  opened.catch(() => {});
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, instances, onFatal, () => stopping);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (name) => `postgres://postgres@${host}:${port}/${encodeURIComponent(name)}`,
    opened,
    close: async () => {
      stopping = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      // One being opened finishes first; those never started have nothing to close.
      await opened.catch(() => {});
      await Promise.all([...instances.values()].filter((i) => i.opened).map(async (i) => (await i.db).close()));
    },
  };
}
