/**
 * `npm run schema:publish -- --service NAME --schema FILE --url URL [--by WHO] [--acknowledge "why, who agreed"] [--dry-run]`:
 * publishes a subgraph's schema and URL to the schema registry (REGISTRY_URL), signed with the
 * service's registry credential (`<SERVICE>_REGISTRY_SECRET`, or derived from REGISTRY_SECRET; the
 * development one outside production). Prints the check: the owners of the changed parts, breaking
 * and dangerous changes, the diff. Exit 0 accepted (or the dry run passes), 1 refused, 2 usage.
 * `--all` publishes every subgraph of this repository from its schema.graphql at its configured URL.
 * `--unpublish --service NAME` takes the service out of the graph (checked as a breaking change is).
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { registryCredential } from '@saf/auth';
import { SERVICES, commonEnv, parseEnv, subgraphUrl } from '@saf/config';
import { enumsSDL } from '@saf/programmes';
import { sharingSDL } from '@saf/service';
import { registryClient } from '@saf/registry/client';
import type { CheckResult } from '@saf/registry/schema';

const USAGE = `usage: npm run schema:publish -- --service NAME --schema FILE --url URL [--by WHO] [--acknowledge "why, and who agreed"] [--dry-run]
       npm run schema:publish -- --all [--by WHO]      (every subgraph of this repository, at its configured URL)
       npm run schema:publish -- --unpublish --service NAME [--by WHO] [--acknowledge "why, and who agreed"] [--dry-run]
  REGISTRY_URL       the registry (default http://127.0.0.1:<SUBGRAPH_PORT_BASE + 20>)
  <SERVICE>_REGISTRY_SECRET or REGISTRY_SECRET: the service's publishing credential`;

class UsageError extends Error {}

interface Outcome {
  status: string;
  version?: number;
  unchanged?: boolean;
  ok?: boolean;
  diff?: string;
  check?: CheckResult;
  errors?: string[];
  error?: string;
}

function report(service: string, status: number, body: Outcome, out: (line: string) => void): boolean {
  const check = body.check;
  for (const c of check?.changed ?? []) out(`  changed: ${c.name.padEnd(28)} owner ${c.owner}`);
  for (const b of check?.breaking ?? []) out(`  breaking: ${b.description}${b.usedBy.length ? ` used by ${b.usedBy.map((u) => `${u.name} (${u.clients.join(', ') || 'registered'})`).join('; ')}` : ' (no client uses it)'}`);
  for (const d of check?.dangerous ?? []) out(`  warning (allowed): ${d.description}`);
  if (status === 201 || status === 200) {
    if (body.status === 'checked') out(`${service}: ${body.ok ? 'would be accepted' : 'would be refused'}`);
    else if (body.status === 'removed') out(`${service}: unpublished (version ${body.version}); gateways drop it on their next pull`);
    else out(`${service}: ${body.unchanged ? `unchanged (version ${body.version})` : `published version ${body.version}`}`);
    if (body.status === 'checked' && !body.ok) for (const p of check?.problems ?? []) out(`  ${p}`);
    return body.status !== 'checked' || body.ok === true;
  }
  out(`${service}: refused (${status})`);
  for (const e of body.errors ?? [body.error ?? 'no reason given']) out(`  ${e}`);
  return false;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        service: { type: 'string' },
        schema: { type: 'string' },
        url: { type: 'string' },
        by: { type: 'string' },
        acknowledge: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        unpublish: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  const config = parseEnv(commonEnv.extend({ REGISTRY_URL: z.string().url().optional() }), process.env);
  const registryUrl = config.REGISTRY_URL ?? `http://127.0.0.1:${config.SUBGRAPH_PORT_BASE + 20}`;
  const by = values.by ?? `${userInfo().username}`;
  if (values.unpublish) {
    if (!values.service || values.all || values.schema || values.url) throw new UsageError('--unpublish takes --service NAME only (no --schema, --url or --all)');
    const send = registryClient({ url: registryUrl, party: values.service, secret: registryCredential(values.service, process.env, config.NODE_ENV) });
    const res = await send(`/services/${encodeURIComponent(values.service)}/unpublish`, {
      body: { publishedBy: by, ...(values.acknowledge ? { acknowledge: values.acknowledge } : {}), ...(values['dry-run'] ? { dryRun: true } : {}) },
    });
    const body = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }))) as Outcome;
    return report(values.service, res.status, body, (line) => process.stdout.write(`${line}\n`)) ? 0 : 1;
  }
  const jobs: Array<{ service: string; sdl: string; url: string }> = [];
  if (values.all) {
    for (const s of SERVICES) jobs.push({ service: s.name, sdl: ownSchema(s.name), url: subgraphUrl(s.name, process.env, config.SUBGRAPH_PORT_BASE) });
  } else {
    if (!values.service || !values.url) throw new UsageError('--service and --url are required (or --all)');
    const own = SERVICES.some((s) => s.name === values.service);
    if (!values.schema && !own) throw new UsageError('--schema FILE is required');
    // Our own subgraphs serve the programme catalogue's enums and the sharing directive with their schema file (readSubgraphSDL).
    const sdl = values.schema ? readFileSync(values.schema, 'utf8') + (own ? `\n${enumsSDL}\n${sharingSDL}` : '') : ownSchema(values.service);
    jobs.push({ service: values.service, sdl, url: values.url });
  }
  let ok = true;
  for (const job of jobs) {
    const send = registryClient({ url: registryUrl, party: job.service, secret: registryCredential(job.service, process.env, config.NODE_ENV) });
    const res = await send(`/services/${encodeURIComponent(job.service)}/versions`, {
      body: { sdl: job.sdl, url: job.url, publishedBy: by, ...(values.acknowledge ? { acknowledge: values.acknowledge } : {}), ...(values['dry-run'] ? { dryRun: true } : {}) },
    });
    const body = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }))) as Outcome;
    ok = report(job.service, res.status, body, (line) => process.stdout.write(`${line}\n`)) && ok;
  }
  return ok ? 0 : 1;
}

function ownSchema(name: string): string {
  return `${readFileSync(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8')}\n${enumsSDL}\n${sharingSDL}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`npm run schema:publish: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
