/**
 * How long each list of the graph a caller can size may be, for the cost limit (limits.ts).
 * keep in sync with what the subgraphs enforce: a maximum here must be the one the owning
 * subgraph refuses beyond, so that a list of unknown length (a size variable that is null or
 * absent, a list without a size argument) is counted at the most it can really hold.
 * gateway/test/limits.test.ts fails when the committed supergraph has a sized field this table
 * does not know.
 */
export interface ListSize {
  /** The argument that sets the length: its value (`first`), or the number of items it lists (`ids`). */
  argument?: { name: string; counts: 'value' | 'items' };
  /** The most items the subgraph answers. */
  max: number;
}

export const LIST_SIZES: Readonly<Record<string, ListSize>> = {
  // subgraphs/civil-affairs/src/resolvers/Query.ts
  'Query.householdsInRegion': { argument: { name: 'first', counts: 'value' }, max: 1000 },
  'Query.households': { argument: { name: 'ids', counts: 'items' }, max: 500 },
  // subgraphs/civil-affairs/src/db/queries.ts (searchHouseholds' limit)
  'Query.searchHouseholds': { max: 50 },
  // subgraphs/coordination/src/resolvers/Query.ts
  'Query.duplicateAidFindings': { argument: { name: 'first', counts: 'value' }, max: 500 },
  'Query.duplicateAidSweeps': { argument: { name: 'first', counts: 'value' }, max: 100 },
  // subgraphs/coordination/src/resolvers/payments.ts
  'Query.paymentFindings': { argument: { name: 'first', counts: 'value' }, max: 500 },
  'Query.applications': { argument: { name: 'first', counts: 'value' }, max: 100 },
  'Query.reviewTasks': { argument: { name: 'first', counts: 'value' }, max: 100 },
  // subgraphs/audit/src/resolvers/Query.ts
  'Query.accessLog': { argument: { name: 'first', counts: 'value' }, max: 500 },
};

/** Arguments that size a list by convention, for fields of another supergraph this table does not know. */
export const SIZE_ARGUMENTS: Readonly<Record<string, 'value' | 'items'>> = { first: 'value', last: 'value', ids: 'items' };

/**
 * The length counted for a list sized by convention (`first`, `last`, `ids`) whose size is not
 * given, on a field this table does not know (the gateway serves any supergraph).
 */
export const UNKNOWN_LIST_MAX = 1000;
