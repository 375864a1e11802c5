/** Built once per request; the data sources read it (request id now, the verified caller later). */
export interface GatewayContext {
  requestId: string;
  /** What the caller declares they need the data for (`X-Purpose`). */
  purpose: string | null;
}
