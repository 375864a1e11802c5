import type { AuditEntry, AuditFields, ChainKey } from '@saf/auth';
import type { Db } from '@saf/db';
import { appendAfter, appendEntries, isStaleHead, type Head } from './db/accessLog.ts';

interface Job {
  fields: readonly AuditFields[];
  resolve: (entries: AuditEntry[]) => void;
  reject: (err: unknown) => void;
}

/**
 * The single in-process queue in front of the log: one transaction at a time, each taking every
 * request waiting by then (group commit), so a burst of reads costs a few transactions, not one
 * lock wait each. Across processes the advisory lock in `appendEntries` does the same; a writer
 * alone on the log skips it (see `write`).
 */
export class AuditWriter {
  private queue: Job[] = [];
  /** The running drain, null when idle. */
  private draining: Promise<void> | null = null;
  /** The head this writer's last append left, while no failure has cast doubt on it. */
  private head: Head | null = null;

  constructor(
    private readonly db: Db,
    /** The chain key new entries are made with (the keyring's current key). */
    private readonly key: ChainKey,
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

  /**
   * One batch. The usual case, this writer alone on the log: chained from the head it left last
   * time, one INSERT (on 2 cores at one request at a time, the locked transaction's five round
   * trips were most of a read's wait for its entry). Another writer having moved the head since
   * (a replica, a restart's predecessor) makes the trigger refuse that without writing anything;
   * then, and whenever the head is not known, the locked transaction reads the head and appends.
   */
  private async write(fields: AuditFields[]): Promise<AuditEntry[]> {
    const known = this.head;
    this.head = null;
    if (known) {
      try {
        const written = await appendAfter(this.db, known, fields, this.key);
        this.head = headOf(written);
        return written;
      } catch (err) {
        if (!isStaleHead(err)) throw err;
      }
    }
    const written = await appendEntries(this.db, fields, this.key);
    this.head = headOf(written);
    return written;
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
        const written = await this.write(batch.flatMap((j) => j.fields));
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

function headOf(written: readonly AuditEntry[]): Head {
  const last = written.at(-1)!;
  return { seq: last.seq, hash: last.hash };
}
