/**
 * The floor: the household picture fetched from the subgraphs directly, signed as the gateway
 * signs, in as few round trips as the query plan allows: civil affairs (household, members and
 * its own awards), then the six other departments in parallel (one `_entities` call each, for
 * the household and its members together), then coordination (`awards`, from what it requires).
 * Eight requests in three rounds. The Apollo planner makes fourteen fetches (it asks each
 * department separately for the household and for its members); this project's gateway sends the
 * two to one department as one batched request, so eight requests too, plus the access log entry.
 */
import { GATEWAY, createRequestSigner, subgraphSigningSecret, type Caller, type RequestSigner } from '@saf/auth';
import { subgraphUrl } from '@saf/config';
import type { Picture } from './picture.ts';
import { statsOf, type RunStats } from './stats.ts';

const FIELDS = 'id department programme personId householdId regionCode amountFen frequency startDate endDate status';
/** Department award fields as coordination `@requires` them; keep in sync with subgraphs/coordination/src/requires.ts. */
const DEPARTMENTS = [
  { service: 'labour', field: 'labourAwards' },
  { service: 'health', field: 'healthAwards' },
  { service: 'education', field: 'educationAwards' },
  { service: 'housing', field: 'housingAwards' },
  { service: 'justice', field: 'justiceAwards' },
  { service: 'disabled-persons-federation', field: 'disabilityAwards' },
] as const;

const CIVIL_AFFAIRS_QUERY = `query($id:ID!){household(id:$id){__typename id regionCode members{__typename id name gender birthDate deathDate civilAffairsAwards{${FIELDS}}} civilAffairsAwards{${FIELDS}}}}`;
const entitiesQuery = (field: string) =>
  `query($representations:[_Any!]!){_entities(representations:$representations){...on Household{${field}{${FIELDS}}} ...on Person{${field}{${FIELDS}}}}}`;
const COORDINATION_QUERY = `query($representations:[_Any!]!){_entities(representations:$representations){...on Household{awards{id department programme personId amountFen frequency startDate endDate status}}}}`;

type Award = Record<string, unknown>;
type PictureAward = NonNullable<Picture['household']>['awards'][number];
type Entity = Record<string, unknown> & { id: string };
interface CivilHousehold extends Entity {
  regionCode: string;
  members: (Entity & { civilAffairsAwards: Award[] | null })[];
  civilAffairsAwards: Award[] | null;
}

export interface FloorClient {
  picture(id: string): Promise<{ data?: Picture; errors?: unknown[] }>;
}

export function createFloorClient(env: NodeJS.ProcessEnv, portBase: number, caller: Caller): FloorClient {
  const endpoints = new Map<string, { url: string; path: string; sign: RequestSigner }>();
  for (const name of ['civil-affairs', 'coordination', ...DEPARTMENTS.map((d) => d.service)]) {
    const url = subgraphUrl(name, env, portBase);
    // The floor asks each subgraph directly, signed as the gateway would.
    endpoints.set(name, { url, path: new URL(url).pathname, sign: createRequestSigner({ secret: subgraphSigningSecret(name, env, env.NODE_ENV), from: GATEWAY, to: name }) });
  }

  async function post<T>(service: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const e = endpoints.get(service)!;
    const body = JSON.stringify({ query, variables });
    const res = await fetch(e.url, { method: 'POST', headers: { 'content-type': 'application/json', ...e.sign({ method: 'POST', path: e.path, body, caller }) }, body });
    const json = (await res.json()) as { data?: T; errors?: unknown[] };
    if (!res.ok || json.errors?.length || !json.data) throw new Error(`${service} answered ${res.status}: ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
    return json.data;
  }

  return {
    async picture(id) {
      try {
        const { household } = await post<{ household: CivilHousehold | null }>('civil-affairs', CIVIL_AFFAIRS_QUERY, { id });
        if (!household) return { data: { household: null } };
        const representations = [{ __typename: 'Household', id: household.id }, ...household.members.map((m) => ({ __typename: 'Person', id: m.id }))];
        const answers = await Promise.all(DEPARTMENTS.map((d) => post<{ _entities: Record<string, Award[] | null>[] }>(d.service, entitiesQuery(d.field), { representations })));
        // The representation coordination requires: every department's awards of the household and of each member.
        const required: Record<string, unknown> = { __typename: 'Household', id: household.id, civilAffairsAwards: household.civilAffairsAwards };
        const members = household.members.map((m) => ({ id: m.id, civilAffairsAwards: m.civilAffairsAwards }) as Record<string, unknown>);
        DEPARTMENTS.forEach((d, i) => {
          const entities = answers[i]!._entities;
          required[d.field] = entities[0]![d.field];
          members.forEach((m, j) => (m[d.field] = entities[j + 1]![d.field]));
        });
        required.members = members;
        const { _entities } = await post<{ _entities: { awards: PictureAward[] }[] }>('coordination', COORDINATION_QUERY, { representations: [required] });
        const shown = household.members.map(({ id: memberId, name, gender, birthDate, deathDate }) => ({ id: memberId, name, gender, birthDate, deathDate }));
        return { data: { household: { id: household.id, regionCode: household.regionCode, members: shown, awards: _entities[0]!.awards } } };
      } catch (err) {
        return { errors: [(err as Error).message] };
      }
    },
  };
}

/** Closed loop like autocannon's: `connections` pictures in flight for `seconds`, ids rotating. */
export async function runFloor(client: FloorClient, ids: string[], connections: number, seconds: number): Promise<RunStats> {
  let next = Math.floor(Math.random() * ids.length);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const answer = await client.picture(ids[next++ % ids.length]!);
        if (answer.errors?.length) errors++;
        else latencies.push(performance.now() - t);
      }
    }),
  );
  return statsOf(latencies, (performance.now() - started) / 1000, errors);
}
