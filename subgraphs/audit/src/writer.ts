import type { AuditEntry, AuditFields } from '@saf/auth';
import type { Db } from '@saf/db';
import { appendEntries } from './db/accessLog.ts';

interface Job {
  fields: readonly AuditFields[];
  resolve: (entries: AuditEntry[]) => void;
  reject: (err: unknown) => void;
}

/**
 * The single in-process queue in front of the log: one transaction at a time, each taking every
 * request waiting by then (group commit), so a burst of reads costs a few transactions, not one
 * lock wait each. Across processes the advisory lock in `appendEntries` does the same.
 */
export class AuditWriter {
  private queue: Job[] = [];
  /** The running drain, null when idle. */
  private draining: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    /** Most entries in one transaction. */
    private readonly maxBatch = 1000,
  ) {}

  /** Appends the entries, in order and contiguously; resolves once they are committed. */
  append(fields: readonly AuditFields[]): Promise<AuditEntry[]> {
    if (fields.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      if (!this.draining) this.draining = this.drain();
    });
  }

  /** Resolves when nothing is waiting or being written (shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch: Job[] = [this.queue.shift()!];
      let size = batch[0]!.fields.length;
      while (this.queue.length && size + this.queue[0]!.fields.length <= this.maxBatch) {
        const job = this.queue.shift()!;
        size += job.fields.length;
        batch.push(job);
      }
      try {
        const written = await appendEntries(this.db, batch.flatMap((j) => j.fields));
        let at = 0;
        for (const job of batch) {
          job.resolve(written.slice(at, at + job.fields.length));
          at += job.fields.length;
        }
      } catch (err) {
        for (const job of batch) job.reject(err);
      }
    }
    // Cleared in the same synchronous step that found the queue empty: a job queued meanwhile by
    // a caller's continuation sees either this drain still looping or no drain, never a gap.
    this.draining = null;
  }
}
