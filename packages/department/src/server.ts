import { GATEWAY, LOADER, OPERATOR, type Caller } from '@saf/auth';
import type { Database } from '@saf/db';
import type { Department } from '@saf/programmes';
import { buildSubgraph, type Resolvers } from '@saf/service';
import type { DocumentNode } from 'graphql';
import { createAwardLoaders } from './awards.ts';
import { ingestRoute, type IngestKind } from './ingest.ts';
import { rollFieldNames, rollFields } from './rolls.ts';
import { createPaymentLoader, fundsStatisticsField, paymentKind, paymentResolvers, personPayments, sweepBatchPayments, unawardedField, unawardedPaymentsField } from './payments.ts';
import type { BuiltSubgraph, SubgraphDeps } from './subgraph.ts';
import { witnessRoute } from './witness.ts';
import { COORDINATION, grantRoute } from './grant.ts';
import { outboxRoute } from './outbox.ts';
import { sweepStreamRoute } from './sweepStream.ts';

export interface DepartmentContext<L = Record<string, never>> {
  requestId: string;
  /** Who the gateway says is asking; null for the gateway's own calls. */
  caller: Caller | null;
  loaders: { awards: ReturnType<typeof createAwardLoaders> } & L;
}

export interface DepartmentServerOptions extends SubgraphDeps {
  name: string;
  department: Department;
  typeDefs: DocumentNode;
  resolvers: Resolvers<DepartmentContext<any>>;
  kinds: IngestKind[];
  /**
   * The department's `Person` field of its payments (e.g. `labourPayments`, beside `labourAwards`):
   * every department stores payments (`payment` records) and serves them there.
   */
  paymentsField: string;
  /** Loaders beyond the award ones (e.g. disability certificates). */
  extraLoaders?: (db: Database['db']) => Record<string, unknown>;
  /** Whether the department emits events for dynamic management (its `outbox` table; outbox.ts). */
  outbox?: boolean;
}

/** The department's funds figures' root field, named after its payments field (`labourPayments` → `labourFundsStatistics`). */
export const fundsField = (paymentsField: string): string => `${paymentsField.replace(/Payments$/, '')}FundsStatistics`;

/** Builds (no I/O) a department subgraph that stores awards and serves them on Person and Household. */
export function createDepartmentServer(options: DepartmentServerOptions): BuiltSubgraph {
  const { read } = options.database;
  const kinds = [...options.kinds, paymentKind];
  const ingest = ingestRoute({ database: options.database, department: options.department, kinds, log: options.log, holdMs: options.ingestHoldMs });
  const own = options.resolvers as Record<string, Record<string, unknown>>;
  const roll = rollFields(options.department);
  const rollNames = rollFieldNames(options.paymentsField);
  const resolvers = {
    ...own,
    Query: { ...own.Query, [fundsField(options.paymentsField)]: fundsStatisticsField(options.department), [rollNames.awards]: roll.awards, [unawardedField(options.paymentsField)]: unawardedPaymentsField() },
    Mutation: { ...own.Mutation, [rollNames.record]: roll.record },
    Person: { ...own.Person, [options.paymentsField]: personPayments(options.department) },
    Payment: paymentResolvers(options.department),
    SweepBatch: { ...own.SweepBatch, [options.paymentsField]: sweepBatchPayments(options.department) },
  } as unknown as Resolvers<DepartmentContext<any>>;
  const built = buildSubgraph<DepartmentContext<any>>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers,
    log: options.log,
    production: options.production ?? false,
    signingSecret: options.signingSecret,
    // The loader signs only for /ingest, the operator (audit:verify) only to read the witnessed
    // checkpoints: the routes check the sender, and GraphQL answers the gateway alone.
    // Coordination signs only for /grants (an approved application's awards), /outbox, and
    // /sweep/awards (a sweep's stream of the region's awards, sweepStream.ts).
    acceptFrom: [GATEWAY, LOADER, OPERATOR, COORDINATION],
    ready: options.database.ping,
    // Reads (entity batches, lists, statistics) may go to a read replica; the ingest writes to the primary.
    context: async (_req, requestId, caller) => ({ requestId, caller, loaders: { awards: createAwardLoaders(read), payments: createPaymentLoader(read), ...options.extraLoaders?.(read) } }),
    // Every department witnesses the access log in its own database (witness.ts).
    routes: [ingest, grantRoute({ database: options.database, department: options.department, kinds: options.kinds.filter((k) => k.type === 'award'), log: options.log }), witnessRoute({ db: options.database.db, name: options.name, signingSecret: options.signingSecret }), ...(options.outbox ? [outboxRoute(options.database.db)] : []), sweepStreamRoute(read)],
  });
  // Before the pool closes: a load still held prepared would keep one of its connections.
  return { http: built.http, start: built.start, stop: () => ingest.close() };
}
