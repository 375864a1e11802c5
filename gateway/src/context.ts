import type { Caller, Purpose } from '@saf/auth';

/** Built once per request; the data sources read it to sign and to say who is asking. */
export interface GatewayContext {
  requestId: string;
  /**
   * What the caller declares they need the data for, from the list for their role: `X-Purpose`,
   * or for our own services' requests the purpose they signed. Null when none was declared.
   */
  purpose: Purpose | null;
  /** The verified caller (from the bearer token, or vouched for by a signed internal service). */
  caller: Caller;
  /** Signed by one of our own services acting for `caller` (not a client's token). */
  internal: boolean;
  /**
   * Set by the access-log plugin while a person-level operation runs: the data sources hand it
   * each subgraph answer, so the entry can be written while later fetches are still out.
   */
  subjectsFetched?: (data: unknown) => void;
}
