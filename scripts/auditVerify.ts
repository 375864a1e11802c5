/**
 * What `npm run audit:verify` does (scripts/audit-verify.ts prints it; tests call it directly):
 *
 * 1. asks the audit service to verify the access log's keyed chain (POST /audit/verify). The chain
 *    key never leaves that service, so whoever verifies cannot forge entries; the service checks
 *    every entry with the key its process was given, trusting nothing else its database says;
 * 2. reads every witness's checkpoints (the departments' services, AUDIT_WITNESSES), checks each
 *    countersignature, and compares each checkpoint with the log (POST /audit/hashes): the
 *    witnessed seq must exist with exactly the witnessed hash, and the log must not end before it.
 *    This is what a rewrite by someone holding the audit database (or even the key) cannot pass.
 *
 * Exit code 0: intact; 1: broken (every problem named); 2: cannot check (the audit service cannot
 * be asked, or no witness answered). A witness that cannot be reached is a warning.
 */
import { OPERATOR, checkCheckpoints, signRequest, subgraphSigningSecret, witnessKey, type CheckpointProblem, type WitnessedCheckpoint } from '@saf/auth';
import { auditWitnessesEnv, commonEnv, parseEnv, subgraphUrl } from '@saf/config';

export interface AuditVerifyResult {
  code: 0 | 1 | 2;
  /** What goes to stdout: the verdict, then one line per problem. */
  out: string;
  /** What goes to stderr: warnings, and why it could not check. */
  err: string;
}

interface ChainAnswer {
  ok: boolean;
  count?: number;
  head?: { seq: number; hash: string } | null;
  keyedFrom?: number | null;
  seq?: number;
  reason?: string;
  message?: string;
}

/** Checkpoints per page read from a witness (its route's maximum). */
const PAGE = 10_000;
/** Lines of witnessed entries that are wrong shown at most; the rest are counted. */
const SHOWN = 20;

/** `…/graphql` or a bare base URL → the service's `path`. keep in sync with gateway/src/audit.ts. */
function endpoint(serviceUrl: string, path: string): URL {
  const url = new URL(serviceUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '') + path;
  url.search = '';
  return url;
}

class Unanswered extends Error {}
/** The audit service stopped answering while the witnesses were compared: nothing can be concluded. */
class AuditUnanswered extends Error {}

export async function auditVerify(env: NodeJS.ProcessEnv = process.env): Promise<AuditVerifyResult> {
  const config = parseEnv(commonEnv.extend(auditWitnessesEnv.shape), env);
  const service = (name: string) => {
    const base = subgraphUrl(name, env, config.SUBGRAPH_PORT_BASE);
    const secret = subgraphSigningSecret(name, env, config.NODE_ENV);
    return {
      secret,
      async post<T>(path: string, payload: unknown): Promise<T> {
        const url = endpoint(base, path);
        const body = JSON.stringify(payload);
        let res: Response;
        try {
          res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest({ secret, from: OPERATOR, to: name, method: 'POST', path: url.pathname, body, caller: null }) }, body, signal: AbortSignal.timeout(600_000) });
        } catch (err) {
          throw new Unanswered(`cannot reach ${name} at ${url.origin}: ${(err as Error).message}`);
        }
        const text = await res.text();
        if (res.status !== 200) throw new Unanswered(`${name} at ${url.origin} answered ${res.status}: ${text.slice(0, 300)}`);
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new Unanswered(`${name} at ${url.origin} answered something that is not JSON`);
        }
      },
    };
  };

  const audit = service('audit');
  let chain: ChainAnswer;
  try {
    chain = await audit.post<ChainAnswer>('/audit/verify', {});
  } catch (err) {
    if (err instanceof Unanswered) return { code: 2, out: '', err: `${err.message.replace(/^cannot reach audit/, 'cannot reach the audit service')}\n` };
    throw err;
  }

  const warnings: string[] = [];
  const problems: CheckpointProblem[] = [];
  let checkpoints = 0;
  let highest: { seq: number; witness: string } | null = null;
  const answered: string[] = [];
  for (const name of config.AUDIT_WITNESSES) {
    let result: WitnessResult;
    try {
      result = await compareWitness(name, service(name), audit);
    } catch (err) {
      if (err instanceof AuditUnanswered) return { code: 2, out: '', err: `cannot compare the witnesses' checkpoints with the log: ${err.message}\n` };
      throw err;
    }
    // What a witness said before it stopped answering still counts.
    problems.push(...result.problems);
    checkpoints += result.count;
    if (result.highest !== null && (!highest || result.highest > highest.seq)) highest = { seq: result.highest, witness: name };
    if (result.unanswered) warnings.push(`warning: witness ${name} could not be asked (${result.unanswered}); its checkpoints were not checked`);
    else answered.push(name);
    if (result.retired > 0) warnings.push(`note: ${result.retired} of ${name}'s checkpoints were countersigned with an earlier key of ${name} (its signing secret was rotated since): compared with the log, not authenticated`);
  }

  const out: string[] = [];
  if (!chain.ok) out.push(`access log broken at entry ${chain.seq}: ${chain.reason}`, `  ${chain.message}`);
  if (problems.length > 0) {
    problems.sort((a, b) => a.seq - b.seq);
    if (chain.ok) out.push(`access log broken at entry ${problems[0]!.seq}: ${problems[0]!.kind}`);
    out.push(...shown(problems));
  }
  if (out.length > 0) return { code: 1, out: lines(out), err: lines(warnings) };

  const head = chain.head ? `${chain.head.seq} ${chain.head.hash}` : 'none (the log is empty)';
  const witnessed = `${checkpoints} witnessed checkpoint${checkpoints === 1 ? '' : 's'} of ${answered.length} witness${answered.length === 1 ? '' : 'es'} ${checkpoints === 1 ? 'agrees' : 'agree'}${highest ? ` (the latest: entry ${highest.seq}, ${highest.witness})` : ''}`;
  out.push(`access log intact: ${chain.count} entries, head ${head}; ${witnessed}`);
  const keyedFrom = chain.keyedFrom ?? null;
  if (keyedFrom !== null && keyedFrom > 1) out.push(`  entries 1 to ${keyedFrom - 1} were written before the chain was keyed (plain SHA-256); entry ${keyedFrom}, keyed, seals them`);
  if (keyedFrom === null && (chain.count ?? 0) > 0) warnings.push('warning: no entry is keyed yet: until the next read is logged, the log is only as tamper-evident as plain SHA-256');
  if (answered.length === 0) {
    warnings.push(`cannot check the log against its witnesses: none of ${config.AUDIT_WITNESSES.join(', ')} answered, so a cut-off or rewritten tail would not show`);
    return { code: 2, out: lines(out), err: lines(warnings) };
  }
  return { code: 0, out: lines(out), err: lines(warnings) };
}

type Service = { secret: Buffer; post<T>(path: string, payload: unknown): Promise<T> };

interface WitnessResult {
  problems: CheckpointProblem[];
  count: number;
  /** Checkpoints countersigned with an earlier key of the witness. */
  retired: number;
  highest: number | null;
  /** Why the witness could not be asked (to the end), if it could not. */
  unanswered?: string;
}

/** One witness's checkpoints, a page at a time, each page compared with the log's hashes at its seqs. */
async function compareWitness(name: string, witness: Service, audit: Service): Promise<WitnessResult> {
  const key = witnessKey(witness.secret, name);
  const result: WitnessResult = { problems: [], count: 0, retired: 0, highest: null };
  let after: { seq: number; hash: string } | undefined;
  try {
    for (;;) {
      const list = (await witness.post<{ checkpoints?: unknown }>('/witness/checkpoints', { after, limit: PAGE })).checkpoints;
      if (!Array.isArray(list) || !list.every(isCheckpoint)) throw new Unanswered(`${name} answered something that is not a list of checkpoints`);
      if (list.length === 0) break;
      const seqs = [...new Set(list.map((c) => c.seq))];
      const log = await audit.post<{ last: number; entries: { seq: number; hash: string }[] }>('/audit/hashes', { seqs }).catch((err: Error) => {
        throw err instanceof Unanswered ? new AuditUnanswered(err.message) : err;
      });
      const check = checkCheckpoints(name, key, list, { last: log.last, hashes: new Map(log.entries.map((e) => [e.seq, e.hash])) });
      result.problems.push(...check.problems);
      result.retired += check.unauthenticated;
      result.count += list.length;
      result.highest = Math.max(result.highest ?? 0, ...seqs);
      if (list.length < PAGE) break;
      const last = list.at(-1)!;
      after = { seq: last.seq, hash: last.hash };
    }
  } catch (err) {
    if (!(err instanceof Unanswered)) throw err;
    result.unanswered = err.message;
  }
  return result;
}

function isCheckpoint(c: unknown): c is WitnessedCheckpoint {
  const x = c as Partial<WitnessedCheckpoint> | null;
  return typeof x?.seq === 'number' && Number.isSafeInteger(x.seq) && typeof x.hash === 'string' && typeof x.at === 'string' && typeof x.keyId === 'string' && typeof x.signature === 'string';
}

/**
 * One line per witnessed entry that is wrong, in seq order: the first witness's words, then the
 * other witnesses that hold the same; at most SHOWN lines, the rest counted.
 */
function shown(problems: readonly CheckpointProblem[]): string[] {
  const groups = new Map<string, CheckpointProblem[]>();
  for (const p of problems) {
    const key = `${p.seq} ${p.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const result = [...groups.values()].map(([first, ...others]) => `  ${first!.message}${others.length ? ` (also witnessed by ${others.map((o) => o.witness).join(', ')})` : ''}`);
  if (result.length <= SHOWN) return result;
  return [...result.slice(0, SHOWN), `  … and ${result.length - SHOWN} more witnessed entries that are wrong`];
}

function lines(list: readonly string[]): string {
  return list.map((l) => `${l}\n`).join('');
}
