import http from 'node:http';
import https from 'node:https';
import { GATEWAY, createRequestSigner, decodeActing, type RequestSigner } from '@saf/auth';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { injectTraceContext, withClientSpan, type Logger } from '@saf/service';
import { CircuitBreaker, RetryBudget } from './breaker.ts';
import { recordBreaker, subgraphRetries, subgraphRetriesDenied, watchSockets } from './metrics.ts';

/** Why a subgraph's part is missing: the codes clients see (SPEC §9, FIELD-NOTES). */
export type FailureCode = 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_TIMEOUT' | 'SUBGRAPH_ERROR';

/** A failed fetch, with what the logs need; clients only ever see the code. */
export class SubgraphFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Headers the data source sets for this client only; removed before the request leaves. */
export const CALLER_HEADER = 'x-saf-caller';
export const RETRYABLE_HEADER = 'x-saf-retryable';

export interface SubgraphPolicy {
  /** Deadline of one fetch, retries included. */
  timeoutMs: number;
  /** Retries of a query after a dropped connection or a 502/503/504 (mutations are never retried). */
  retries: number;
  /** Retries may add at most this share of requests over a 10 s window (plus 3). */
  retryBudget: number;
  breakerFailures: number;
  breakerFailureRate: number;
  breakerCooldownMs: number;
  /** Keep-alive connections to the subgraph, at most. */
  maxSockets: number;
  /**
   * Fetches of one client request to this subgraph that are ready at once (the planner's parallel
   * fetches, e.g. a household's and its members' awards) go as one HTTP request of up to this many
   * operations; 1 sends each alone.
   */
  batchMax: number;
}

export interface SubgraphClientOptions extends SubgraphPolicy {
  name: string;
  /** Shared with the subgraph, which refuses anything this client did not sign. */
  secret: Buffer;
  log: Logger;
}

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ETIMEDOUT']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with full jitter: 0..min(1 s, 50 ms × 2^attempt). */
export function backoffMs(attempt: number, random = Math.random): number {
  return Math.floor(random() * Math.min(1000, 50 * 2 ** attempt));
}

/**
 * The gateway's HTTP client for one subgraph, shaped as the `fetch` that RemoteGraphQLDataSource
 * calls: node:http over a keep-alive agent with bounded sockets (undici is not a dependency of
 * ours, and global fetch does not bound connections), a deadline, a fresh signature on every
 * attempt (the subgraph refuses a replayed nonce), retries with backoff and a budget for queries
 * only, and a circuit breaker. Every failure becomes a `SubgraphFailure` with a stable code.
 */
export class SubgraphClient {
  readonly breaker: CircuitBreaker;
  private readonly budget: RetryBudget;
  private readonly agent: http.Agent;
  private readonly sign: RequestSigner;

  constructor(private readonly options: SubgraphClientOptions & { url: string }) {
    const { name } = options;
    // Signed gateway→<this subgraph>: no other service accepts it, and the gateway refuses it back.
    this.sign = createRequestSigner({ secret: options.secret, from: GATEWAY, to: name });
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breakerFailures,
      failureRate: options.breakerFailureRate,
      minimumRequests: 20,
      windowMs: 10_000,
      cooldownMs: options.breakerCooldownMs,
      probeTimeoutMs: options.timeoutMs,
      onChange: (state) => {
        recordBreaker(name, state);
        options.log[state === 'open' ? 'warn' : 'info']({ subgraph: name, breaker: state }, `circuit to ${name} ${state}`);
      },
    });
    recordBreaker(name, 'closed', false);
    this.budget = new RetryBudget(options.retryBudget, 3, 10_000);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const, timeout: 30_000 };
    this.agent = new URL(options.url).protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    const count = (table: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(table).reduce((n, list) => n + (list?.length ?? 0), 0);
    watchSockets(name, () => ({ active: count(this.agent.sockets), idle: count(this.agent.freeSockets), queued: count(this.agent.requests) }));
  }

  /** For RemoteGraphQLDataSource: `fetcher(url, { method, headers, body })`. */
  readonly fetch: Fetcher = (input, init) =>
    withClientSpan(`POST ${this.options.name}`, { 'saf.subgraph': this.options.name }, () => (this.options.batchMax > 1 ? this.enqueue(input, init) : this.attempts(input, init)));

  /** Fetches waiting for the end of this turn of the event loop, by batch key. */
  private readonly pending = new Map<string, Queued[]>();

  /**
   * Queues a fetch until the end of this turn of the event loop, when the fetches queued under the
   * same key go together. The key is the URL and every header: the request id and caller (one
   * client request), the trace context and whether it may be retried (only queries), so that
   * only fetches that would have been sent alike share a request.
   */
  private enqueue(input: string, init: FetchInit): Promise<FetcherResponse> {
    const key = batchKey(input, init);
    return new Promise<FetcherResponse>((resolve, reject) => {
      let queue = this.pending.get(key);
      if (!queue) {
        const fresh: Queued[] = [];
        queue = fresh;
        this.pending.set(key, fresh);
        setImmediate(() => {
          if (this.pending.get(key) === fresh) this.pending.delete(key);
          if (fresh.length) void this.sendQueued(fresh.splice(0));
        });
      }
      queue.push({ input, init, resolve, reject });
      if (queue.length >= this.options.batchMax) void this.sendQueued(queue.splice(0));
    });
  }

  private async sendQueued(queue: Queued[]): Promise<void> {
    const [first] = queue;
    if (!first) return;
    if (queue.length === 1) {
      await this.attempts(first.input, first.init).then(first.resolve, first.reject);
      return;
    }
    const bodies = queue.map((q) => bodyText(q.init));
    let answer: SubgraphResponse;
    try {
      answer = (await this.attempts(first.input, { ...first.init, body: `[${bodies.join(',')}]` })) as SubgraphResponse;
    } catch (err) {
      // Unreachable, timed out, 5xx, circuit open: the same for every fetch of the batch.
      for (const q of queue) q.reject(err);
      return;
    }
    let parts: unknown;
    try {
      parts = answer.status === 200 ? await answer.json() : null;
    } catch {
      parts = null;
    }
    if (!Array.isArray(parts) || parts.length !== queue.length) {
      // A subgraph that refused the batch as a whole (a 4xx) or answered it oddly: each fetch
      // alone, so that each gets its own answer or error, as without batching.
      await Promise.all(queue.map((q) => this.attempts(q.input, q.init).then(q.resolve, q.reject)));
      return;
    }
    queue.forEach((q, i) => q.resolve(answer.part(parts[i])));
  }

  private readonly attempts: Fetcher = async (input, init) => {
    const url = new URL(input);
    const method = init?.method ?? 'POST';
    // Encoded once: the signature hashes these bytes and the request sends them as they are.
    const body = typeof init?.body === 'string' ? Buffer.from(init.body, 'utf8') : (init?.body ?? Buffer.alloc(0));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(init?.headers ?? {})) headers[k.toLowerCase()] = v;
    const acting = headers[CALLER_HEADER] ? decodeActing(headers[CALLER_HEADER]) : null;
    const retryable = headers[RETRYABLE_HEADER] === '1';
    delete headers[CALLER_HEADER];
    delete headers[RETRYABLE_HEADER];
    // traceparent of this fetch's span (tracing on only): the subgraph's span continues the trace.
    injectTraceContext(headers);
    const deadline = Date.now() + this.options.timeoutMs;
    this.budget.request();
    for (let attempt = 0; ; attempt++) {
      let failure: SubgraphFailure;
      let canRetry = false;
      if (!this.breaker.allow()) throw new SubgraphFailure('SUBGRAPH_UNAVAILABLE', 'circuit open: failing fast');
      try {
        const signed = this.sign({ method, path: url.pathname + url.search, body, caller: acting?.caller ?? null, purpose: acting?.purpose ?? null });
        const answer = await this.send(url, method, { ...headers, ...signed }, body, deadline - Date.now());
        if (answer.status >= 500) {
          failure = new SubgraphFailure('SUBGRAPH_ERROR', `HTTP ${answer.status}`);
          canRetry = RETRYABLE_STATUS.has(answer.status);
          this.breaker.failure();
        } else if (answer.status === 200 && !/^application\/(graphql-response\+)?json/.test(String(answer.headers['content-type'] ?? ''))) {
          this.breaker.failure();
          throw new SubgraphFailure('SUBGRAPH_ERROR', `not a JSON answer (${answer.headers['content-type'] ?? 'no content-type'})`);
        } else {
          this.breaker.success();
          return new SubgraphResponse(answer, url.href);
        }
      } catch (err) {
        failure = err instanceof SubgraphFailure ? err : classify(err);
        // Counted already (non-JSON), or not the subgraph's fault (our own bug): no breaker failure.
        if (failure.code === 'SUBGRAPH_ERROR') throw failure;
        this.breaker.failure();
        // A connection that dropped before an answer is the case retries are for; a timeout is not
        // (the deadline covers every attempt, and a slow subgraph needs less load, not more).
        canRetry = failure.code === 'SUBGRAPH_UNAVAILABLE';
      }
      if (!retryable || !canRetry || attempt >= this.options.retries) throw failure;
      const wait = backoffMs(attempt);
      if (Date.now() + wait >= deadline) throw failure;
      if (!this.budget.tryRetry()) {
        subgraphRetriesDenied.inc({ subgraph: this.options.name });
        throw failure;
      }
      subgraphRetries.inc({ subgraph: this.options.name });
      await sleep(wait);
    }
  };

  private send(url: URL, method: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const done = (err: unknown, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer!);
      };
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, agent: this.agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => done(err));
        res.on('close', () => {
          if (!settled) done(new SubgraphFailure('SUBGRAPH_UNAVAILABLE', 'connection closed during the answer'));
        });
      });
      const timer = setTimeout(() => {
        const failure = new SubgraphFailure('SUBGRAPH_TIMEOUT', `no answer within ${this.options.timeoutMs} ms`);
        done(failure);
        request.destroy(failure);
      }, Math.max(1, timeoutMs));
      request.on('error', (err) => done(err));
      request.end(body);
    });
  }

  get url(): string {
    return this.options.url;
  }

  close(): void {
    this.agent.destroy();
  }
}

function classify(err: unknown): SubgraphFailure {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  if (code && CONNECTION_FAILURES.has(code)) return new SubgraphFailure('SUBGRAPH_UNAVAILABLE', code);
  if (/socket hang up/i.test(e.message ?? '')) return new SubgraphFailure('SUBGRAPH_UNAVAILABLE', 'socket hang up');
  return new SubgraphFailure('SUBGRAPH_ERROR', e.message ?? String(err));
}

/** What RemoteGraphQLDataSource reads of an answer; lighter than a WHATWG Response (no streams). */
type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchInit = Parameters<Fetcher>[1];

interface Queued {
  input: string;
  init: FetchInit;
  resolve: (response: FetcherResponse) => void;
  reject: (err: unknown) => void;
}

function bodyText(init: FetchInit): string {
  const body = init?.body;
  return typeof body === 'string' ? body : (body?.toString('utf8') ?? '');
}

function batchKey(input: string, init: FetchInit): string {
  const headers = Object.entries(init?.headers ?? {})
    .map(([k, v]) => `${k.toLowerCase()}:${v}`)
    .sort();
  return `${init?.method ?? 'POST'} ${input}\n${headers.join('\n')}`;
}
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

class AnswerHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(raw: http.IncomingHttpHeaders) {
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) this.map.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const old = this.map.get(key);
    this.map.set(key, old === undefined ? value : `${old}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

const NOT_PARSED = Symbol('not parsed');

class SubgraphResponse implements FetcherResponse {
  readonly headers: AnswerHeaders;
  readonly redirected = false;
  bodyUsed = false;
  private parsed: unknown = NOT_PARSED;

  constructor(
    private readonly answer: Answer,
    readonly url: string,
  ) {
    this.headers = new AnswerHeaders(answer.headers);
  }
  get status(): number {
    return this.answer.status;
  }
  get statusText(): string {
    return this.answer.statusText;
  }
  get ok(): boolean {
    return this.answer.status >= 200 && this.answer.status < 300;
  }
  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.parsed === NOT_PARSED ? this.answer.body.toString('utf8') : JSON.stringify(this.parsed);
  }
  async json(): Promise<any> {
    if (this.parsed === NOT_PARSED) return JSON.parse(await this.text());
    this.bodyUsed = true;
    return this.parsed;
  }
  /** One operation's answer out of a batch's, already parsed (its text is made only if asked for). */
  part(value: unknown): SubgraphResponse {
    const response = new SubgraphResponse({ ...this.answer, body: Buffer.alloc(0) }, this.url);
    response.parsed = value;
    return response;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.parsed === NOT_PARSED ? this.answer.body : Buffer.from(await this.text());
    this.bodyUsed = true;
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }
  clone(): SubgraphResponse {
    const copy = new SubgraphResponse(this.answer, this.url);
    copy.parsed = this.parsed;
    return copy;
  }
}
