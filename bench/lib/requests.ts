/** How many GraphQL requests a service answered, from its `/metrics` (`saf_http_requests_total`, route `/graphql`, every status). */
export function graphqlRequests(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('saf_http_requests_total{') || !line.includes('route="/graphql"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
