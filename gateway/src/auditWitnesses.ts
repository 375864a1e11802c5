import type { Logger } from '@saf/service';
import { auditEndpoint } from './audit.ts';
import { accessLogCheckpoints } from './metrics.ts';

export interface LogHead {
  seq: number;
  hash: string;
}

export interface Witness {
  /** The department's subgraph name, e.g. `labour`. */
  name: string;
  /** Its URL (its `/graphql` URL or its base); read per send, so it may change. */
  url: () => string;
  /** The gateway's signature headers for a POST of `body` to `path` on that subgraph (no caller). */
  sign: (path: string, body: string) => Record<string, string>;
}

export interface CheckpointForwarder {
  /** The head an append left (from the audit service's answer); forwarded later, at most every interval. */
  offer(head: LogHead): void;
  /** Sends the latest head to every witness that does not have it yet, now (shutdown). */
  flush(): Promise<void>;
  close(): void;
}

/**
 * Hands the access log's head to the witnesses (the departments' services, each keeping it in its
 * own database): the latest head this gateway saw, to every witness that lacks it, at most once
 * per `intervalMs` (0: after every write, one send at a time). Entries written since the last
 * forwarded head are what a rewrite of the audit database could still hide: the interval bounds
 * them. A witness that does not answer is logged and given the then latest head next time.
 */
/** A witness that failed is offered the head again after this long at the soonest. */
const RETRY_MS = 5000;

export function createCheckpointForwarder(options: { witnesses: readonly Witness[]; intervalMs: number; log: Logger; timeoutMs?: number }): CheckpointForwarder {
  const timeoutMs = options.timeoutMs ?? 5000;
  let latest: LogHead | null = null;
  /** The highest seq each witness confirmed. */
  const given = new Map<string, number>();
  let lastSend = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> | null = null;
  let closed = false;

  const behind = () => (latest ? options.witnesses.filter((w) => (given.get(w.name) ?? 0) < latest!.seq) : []);

  async function send(witness: Witness, head: LogHead): Promise<void> {
    const url = auditEndpoint(witness.url(), '/witness/checkpoint');
    const body = JSON.stringify(head);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...witness.sign(url.pathname, body) }, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${text.slice(0, 200)}`);
      given.set(witness.name, Math.max(given.get(witness.name) ?? 0, head.seq));
      accessLogCheckpoints.inc({ witness: witness.name, outcome: 'witnessed' });
    } catch (err) {
      accessLogCheckpoints.inc({ witness: witness.name, outcome: 'failed' });
      options.log.warn({ witness: witness.name, seq: head.seq, err: (err as Error).message }, 'access log checkpoint not witnessed; the next one will be offered again');
    }
  }

  async function sendAll(): Promise<void> {
    timer = null;
    const head = latest;
    const targets = behind();
    if (!head || targets.length === 0) return;
    lastSend = Date.now();
    sending = Promise.all(targets.map((w) => send(w, head))).then(() => {});
    await sending;
    sending = null;
    // No new head, and still behind: a witness failed; not again at once, however short the interval.
    schedule(latest === head ? RETRY_MS : 0);
  }

  function schedule(atLeastMs = 0): void {
    if (closed || timer || sending || behind().length === 0) return;
    const wait = Math.max(0, lastSend + Math.max(options.intervalMs, atLeastMs) - Date.now());
    timer = setTimeout(() => void sendAll(), wait);
    timer.unref();
  }

  return {
    offer(head) {
      if (latest && head.seq <= latest.seq) return;
      latest = { seq: head.seq, hash: head.hash };
      schedule();
    },
    async flush() {
      if (sending) await sending;
      if (timer) clearTimeout(timer);
      timer = null;
      await sendAll();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
