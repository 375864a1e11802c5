import { findPurpose, type AuditFields, type AuditRole } from '@saf/auth';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import type { Logger } from '@saf/service';
import type { SharingStore } from './sharing.ts';

/**
 * Every operation of an entry this office writes starts so (the gateway forwards only these to
 * the access log). keep in sync with gateway/src/sharingAudit.ts.
 */
export const SHARING_OPERATION_PREFIX = 'sharingAgreement.';

type Unaudited = Awaited<ReturnType<SharingStore['unaudited']>>[number];

/** A change as an access-log entry: the agreement's id is the subject, the action the operation. */
export function entryOf({ event: e, requester, owner, purpose }: Unaudited): AuditFields {
  const declared = e.purpose ? (findPurpose(e.purpose)?.zh ?? e.purpose) : '';
  return {
    at: new Date(e.at).toISOString(),
    sub: e.actorSub,
    role: e.actorRole as AuditRole,
    region: e.actorRegion,
    department: (DEPARTMENTS as readonly string[]).includes(e.actorOffice) ? (e.actorOffice as Department) : null,
    purpose: declared,
    operation: `${SHARING_OPERATION_PREFIX}${e.action} ${requester}→${owner} ${purpose}`,
    subjectIds: [e.agreementId],
    requestId: e.requestId || `sharing-event-${e.seq}`,
  };
}

export interface SharingAuditOptions {
  /** Writes entries to the access log (through the gateway, which alone writes it). */
  send: (entries: AuditFields[]) => Promise<void>;
  log: Logger;
  /** How long after a failed write it is tried again. */
  retryMs?: number;
}

const BATCH = 200;
/** The expiry check runs at least this often (a period's end is also scheduled exactly). */
const EXPIRY_CHECK_MS = 60_000;

/**
 * Issue 29: agreement changes in the access log. Each change is an event row (the outbox); this
 * relays the rows not yet logged, right after each change and again after a failure, so a change
 * made while the audit service is down is logged once it is back. It also records expiry (an
 * agreement's period ending is a change nobody makes) at the moment each period ends.
 */
export class SharingAuditRelay {
  private relaying: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = true;

  constructor(
    private readonly store: SharingStore,
    private readonly options: SharingAuditOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.changed();
  }

  /** After a change: relay it, and look at the next end of a period again. */
  changed(): void {
    if (this.stopped) return;
    void this.relay();
    if (!this.checking) this.scheduleExpiry(0);
  }

  private scheduleExpiry(inMs: number): void {
    clearTimeout(this.expiryTimer);
    if (this.stopped) return;
    this.expiryTimer = setTimeout(() => void this.checkExpiry(), Math.max(0, Math.min(inMs, EXPIRY_CHECK_MS)));
    this.expiryTimer.unref();
  }

  private async checkExpiry(): Promise<void> {
    this.checking = true;
    let next: number | null = null;
    try {
      next = await this.store.recordExpiries();
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'sharing agreement expiry not recorded; tried again shortly');
      next = Date.now() + (this.options.retryMs ?? 5_000);
    } finally {
      this.checking = false;
    }
    // A few ms past the end: the period is inclusive of its last millisecond.
    this.scheduleExpiry(next === null ? EXPIRY_CHECK_MS : next - Date.now() + 5);
  }

  /** Relays every change not yet logged; one run at a time (a change meanwhile runs it again). */
  relay(): Promise<void> {
    if (this.relaying) {
      this.again = true;
      return this.relaying;
    }
    this.relaying = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const rows = await this.store.unaudited(BATCH);
            if (rows.length === 0) break;
            await this.options.send(rows.map(entryOf));
            await this.store.markAudited(rows.map((r) => r.event.seq));
            if (rows.length < BATCH) break;
          }
        } while (this.again && !this.stopped);
      } catch (err) {
        this.options.log.warn({ err: (err as Error).message }, 'sharing agreement changes not yet in the access log; tried again shortly');
        clearTimeout(this.retry);
        if (!this.stopped) {
          this.retry = setTimeout(() => void this.relay(), this.options.retryMs ?? 5_000);
          this.retry.unref();
        }
      } finally {
        this.relaying = null;
      }
    })();
    return this.relaying;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.expiryTimer);
    await this.relaying;
  }
}
