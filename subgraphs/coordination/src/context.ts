import DataLoader from 'dataloader';
import type { Caller } from '@saf/auth';
import type { Database, Db } from '@saf/db';
import type { Logger } from '@saf/service';
import { eventsByFindingIds, findingsByIds } from './db/findings.ts';
import { paymentFindingsByIds, paymentFindingsOfPersons } from './db/paymentFindings.ts';
import type { PaymentSweepRunner } from './payments/sweep.ts';
import type { RollDeliverer } from './payments/rolls.ts';
import { eventsByApplicationIds } from './db/applications.ts';
import { eventsByTaskIds } from './db/reviewTasks.ts';
import type { EligibilityStore } from './casework/eligibilityStore.ts';
import type { DepartmentLinks } from './casework/grant.ts';
import type { GraphClient } from './graph.ts';
import type { RuleSetStore } from './rules.ts';
import type { FigureCache } from './statistics/cache.ts';
import type { SweepRunner } from './sweep.ts';
import type { SharingStore } from './sharing.ts';

export function createLoaders(db: Db, sharing?: SharingStore) {
  return {
    sharingHistory: new DataLoader((ids: readonly string[]) => (sharing ? sharing.history(ids) : Promise.resolve(ids.map(() => [])))),
    finding: new DataLoader((ids: readonly string[]) => findingsByIds(db, ids)),
    events: new DataLoader((ids: readonly string[]) => eventsByFindingIds(db, ids)),
    paymentFinding: new DataLoader((ids: readonly string[]) => paymentFindingsByIds(db, ids)),
    paymentFindingsOfPerson: new DataLoader((ids: readonly string[]) => paymentFindingsOfPersons(db, ids)),
    applicationEvents: new DataLoader((ids: readonly string[]) => eventsByApplicationIds(db, ids)),
    reviewTaskEvents: new DataLoader((ids: readonly string[]) => eventsByTaskIds(db, ids)),
  };
}

/** Long-lived parts of the service, shared by every request. */
export interface Services {
  database: Database;
  log: Logger;
  rules: RuleSetStore;
  /** The eligibility conditions of the economic check (casework/eligibilityStore.ts). */
  eligibility: EligibilityStore;
  /** Where the departments' own routes are, for the awards of approved applications (casework/grant.ts). */
  departments: DepartmentLinks;
  sweeps: SweepRunner;
  /** Payment sweeps (资金发放核查, payments/sweep.ts). */
  paymentSweeps: PaymentSweepRunner;
  /** Delivers reconciled rolls' lines to their departments, after the commit and again until done (payments/rolls.ts). */
  rollDeliverer: RollDeliverer;
  graph: GraphClient;
  /** Keys the ids of findings as masked for a caller (`findingView.ts`). */
  maskKey: Buffer;
  /** The statistics' figures, kept per data version (statistics/cache.ts). */
  statistics: FigureCache;
  /** The graph as the statistics' computations use it: a few requests at a time (statistics/limit.ts). */
  statisticsGraph: GraphClient;
  /** How long a request waits for figures being computed before it is told to ask again (STATISTICS_WAIT_MS). */
  statisticsWaitMs: number;
  /** The data-sharing catalogue and agreements (SPEC section 12). */
  sharing: SharingStore;
}

export interface Context extends Services {
  requestId: string;
  /** Who the gateway says is asking; null for the gateway's own calls. */
  caller: Caller | null;
  /**
   * The code of the purpose the caller declared, as the gateway checked and signed it (null:
   * none). The office's own requests to the gateway for this caller carry it on.
   */
  purpose: string | null;
  db: Db;
  loaders: ReturnType<typeof createLoaders>;
}
