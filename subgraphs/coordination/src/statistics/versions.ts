import { STATISTICS_PURPOSE } from '@saf/auth';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { GraphRequestError, type GraphClient } from '../graph.ts';
import { STATISTICS_FIELDS, STATISTICS_OFFICE } from './sources.ts';

/** Each department's data version (`_internal…DataVersion`); a department that did not answer is absent. */
export type Versions = ReadonlyMap<Department, string>;

const QUERY = `query DataVersions { ${DEPARTMENTS.map((d) => `${d}: ${STATISTICS_FIELDS[d].version}`).join(' ')} }`;

/**
 * Every department's data version, in one request through the gateway. A department changes its
 * version in the transaction of every load that changes its data, so figures computed from the
 * versions read here are those of the data as it is now.
 */
export async function dataVersions(graph: GraphClient): Promise<Versions> {
  let data: unknown;
  try {
    data = await graph.request<Record<string, unknown>>(QUERY, {}, STATISTICS_OFFICE, STATISTICS_PURPOSE);
  } catch (err) {
    // A department that did not answer leaves its version out; the others' figures are still served.
    if (!(err instanceof GraphRequestError)) throw err;
    data = err.data;
  }
  const answered = (data ?? {}) as Record<string, unknown>;
  const versions = new Map<Department, string>();
  for (const d of DEPARTMENTS) if (typeof answered[d] === 'string') versions.set(d, answered[d]);
  return versions;
}
