import DataLoader from 'dataloader';
import type { Database, Db } from '@saf/db';
import type { Logger } from '@saf/service';
import { eventsByFindingIds, findingsByIds } from './db/findings.ts';
import type { GraphClient } from './graph.ts';
import type { RuleSetStore } from './rules.ts';
import type { SweepRunner } from './sweep.ts';

export function createLoaders(db: Db) {
  return {
    finding: new DataLoader((ids: readonly string[]) => findingsByIds(db, ids)),
    events: new DataLoader((ids: readonly string[]) => eventsByFindingIds(db, ids)),
  };
}

/** Long-lived parts of the service, shared by every request. */
export interface Services {
  database: Database;
  log: Logger;
  rules: RuleSetStore;
  sweeps: SweepRunner;
  graph: GraphClient;
}

export interface Context extends Services {
  requestId: string;
  /** Headers the coordination office sends when it reads the graph on this caller's behalf. */
  graphHeaders: Record<string, string>;
  /** Who is asking (recorded on reviews, sweeps and rule changes). */
  actor: { sub: string | null; role: string | null };
  db: Db;
  loaders: ReturnType<typeof createLoaders>;
}
