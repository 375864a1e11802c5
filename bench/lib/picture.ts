/**
 * The household picture through a gateway: the query, autocannon at a given concurrency with the
 * household ids rotating (`setupRequest`), and a check that answers are complete.
 */
import autocannon, { type Result } from 'autocannon';
import type { PictureHousehold } from './data.ts';
import { statsOf, type RunStats } from './stats.ts';

/** What a caseworker's household page asks for: the members and every department's awards. */
export const PICTURE_QUERY = `query HouseholdPicture($id: ID!) {
  household(id: $id) {
    id
    regionCode
    members { id name gender birthDate deathDate }
    awards { id department programme personId amountFen frequency startDate endDate status }
  }
}`;

export interface Target {
  /** The gateway's `/graphql` URL. */
  url: string;
  /** Authorization and X-Purpose for ours; nothing for the gateways that check no token. */
  headers: Record<string, string>;
}

export interface Picture {
  household: { id: string; members: { id: string }[]; awards: { id: string; department: string }[] } | null;
}

export const bodyFor = (id: string) => JSON.stringify({ query: PICTURE_QUERY, variables: { id }, operationName: 'HouseholdPicture' });

/** One autocannon run: `connections` clients for `seconds`, each request the next household of `ids`. */
export async function runAutocannon(target: Target, bodies: string[], connections: number, seconds: number): Promise<RunStats> {
  let next = Math.floor(Math.random() * bodies.length);
  let sent = 0;
  const latencies: number[] = [];
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...target.headers },
            setupRequest: (request) => {
              sent++;
              return { ...request, body: bodies[next++ % bodies.length]! };
            },
          },
        ],
        // Cheap: an answer with errors (a department missing, a refusal) is not a household picture.
        verifyBody: (body) => !body.includes('"errors"'),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const errors = result.errors + result.timeouts + result.non2xx + result.mismatches;
  // Those still unanswered when the time was up count as sent: the gateway made their subgraph requests too.
  return { ...statsOf(latencies, result.duration, errors), sent };
}

export async function fetchPicture(target: Target, id: string): Promise<{ data?: Picture; errors?: unknown[] }> {
  const send = () => fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: bodyFor(id) });
  // After the loads a gateway's kept-alive connection has idled about as long as the servers keep
  // one (65 s): the server may close it as this request goes out ("other side closed", nothing
  // answered, nothing done). Sent once more on a fresh connection; any other failure is the path's.
  const res = await send().catch((err: Error) => {
    if (!/other side closed|ECONNRESET/.test(String((err as { cause?: unknown }).cause ?? err.message))) throw new Error(`${target.url}: ${err.message}`, { cause: err });
    return send();
  });
  return (await res.json()) as { data?: Picture; errors?: unknown[] };
}

/** How many of `sample` come back complete: no error, every member, every award of the file. */
export async function checkAnswers(
  fetchOne: (id: string) => Promise<{ data?: Picture; errors?: unknown[] }>,
  sample: PictureHousehold[],
): Promise<{ checked: number; complete: number; awardsSeen: number; awardsExpected: number; firstError?: string }> {
  let complete = 0;
  // The first error answered, as it came: a path that fails every picture must say why (a missing
  // package of a comparison gateway once turned every Hive answer into "Unexpected error").
  let firstError: string | undefined;
  let awardsSeen = 0;
  let awardsExpected = 0;
  for (const h of sample) {
    const answer = await fetchOne(h.id);
    const household = answer.data?.household;
    const seen = new Set((household?.awards ?? []).map((a) => `${a.department}:${a.id}`)).size;
    awardsSeen += seen;
    awardsExpected += h.awards;
    if (!answer.errors?.length && household?.members.length === h.members.length && seen === h.awards) complete++;
    if (answer.errors?.length && firstError === undefined) firstError = JSON.stringify(answer.errors[0]).slice(0, 300);
  }
  return { checked: sample.length, complete, awardsSeen, awardsExpected, ...(firstError ? { firstError } : {}) };
}
