/**
 * `npm run verify -- FILE`: checks through the running gateway that every household of a loaded
 * NDJSON file shows exactly the file's awards (every member's and the household's own), from all
 * departments. Reads as a coordinator with the development key, so not in production.
 */
import { signDevToken } from '@saf/auth';
import { commonEnv, parseEnv } from '@saf/config';
import { readLines } from '@saf/loader';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npm run verify -- FILE.ndjson\n');
    return 2;
  }
  const env = parseEnv(commonEnv);
  const expected = new Map<string, Set<string>>();
  const membership = new Map<string, string>();
  const awards: { key: string; personId: string; householdId: string | null }[] = [];
  for await (const { text } of readLines(file)) {
    if (!text.trim()) continue;
    const r = JSON.parse(text) as { type: string; id: string; householdId?: string | null; personId?: string; department?: string };
    if (r.type === 'household') expected.set(r.id, new Set());
    if (r.type === 'person') membership.set(r.id, r.householdId!);
    if (r.type === 'award') awards.push({ key: `${r.department}:${r.id}`, personId: r.personId!, householdId: r.householdId ?? null });
  }
  for (const a of awards) for (const h of new Set([membership.get(a.personId), a.householdId])) if (h) expected.get(h)?.add(a.key);
  const token = await signDevToken({ sub: 'verify-file', role: 'COORDINATOR' }, { expiresIn: '1h' });
  const ids = [...expected.keys()];
  let mismatches = 0;
  const started = Date.now();
  const url = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
  for (let i = 0; i < ids.length; i += 40) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION' },
      body: JSON.stringify({ query: 'query ($ids: [ID!]!) { households(ids: $ids) { id awards { id department } } }', variables: { ids: ids.slice(i, i + 40) } }),
    }).catch((err: Error & { cause?: { code?: string } }) => {
      throw new Error(`the gateway at ${url} does not answer (${err.cause?.code ?? (err.cause as Error | undefined)?.message ?? err.message}): is \`npm start\` running? If it runs on another port, set GATEWAY_PORT to it`);
    });
    const body = (await res.json()) as { data?: { households: ({ id: string; awards: { id: string; department: string }[] } | null)[] }; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0]!.message);
    body.data!.households.forEach((h, j) => {
      const id = ids[i + j]!;
      const got = [...new Set((h?.awards ?? []).map((a) => `${a.department}:${a.id}`))].sort().join(',');
      const want = [...expected.get(id)!].sort().join(',');
      if (got !== want) {
        mismatches++;
        if (mismatches <= 10) process.stderr.write(`household ${id}: the file has ${want || 'no awards'}; the graph shows ${got || 'nothing'}${h ? '' : ' (no such household)'}\n`);
      }
    });
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${ids.length - mismatches} of ${ids.length} households match the file (${awards.length} awards) in ${seconds.toFixed(1)} s\n`);
  return mismatches ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`verify failed: ${(err as Error).message}\n`);
  process.exit(1);
});
