/** The command line of `npm run generate` (scripts/generate.ts): arguments and streaming output. */
import { createWriteStream, fstatSync, ftruncateSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import type { InterchangeRecord } from '@saf/interchange';
import { MAX_HOUSEHOLDS, type GenerateOptions } from './generate.ts';

export const USAGE = `usage: npm run generate -- --households N [--seed S] [--region PREFIX] [--planted FILE] [--no-plant] [--payments YEAR] > file.ndjson

  --households N    number of households (1 to ${MAX_HOUSEHOLDS}), planted ones included
  --seed S          any text; the same seed gives the same file (default 1)
  --region PREFIX   place households under this region code prefix (default 6540, all of Ili)
  --planted FILE    write the findings the planted cases must produce (a JSON array) to FILE
  --no-plant        plant no duplicate-aid cases: the file then has no finding at all
  --payments YEAR   a year of monthly payments for the awards and the recipients' bank accounts,
                    with planted cases of every payment rule (SPEC section 11) unless --no-plant
`;

export interface GenerateArgs {
  options: GenerateOptions & Required<Pick<GenerateOptions, 'households' | 'seed' | 'regionPrefix' | 'plant'>>;
  plantedFile: string | null;
}

export type ParsedArgs = { ok: true; args: GenerateArgs } | { ok: true; help: true } | { ok: false; error: string };

export function parseGenerateArgs(argv: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        households: { type: 'string' },
        seed: { type: 'string' },
        region: { type: 'string' },
        planted: { type: 'string' },
        'no-plant': { type: 'boolean' },
        payments: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (values.help) return { ok: true, help: true };
  if (values.households === undefined) return { ok: false, error: '--households N is required' };
  if (!/^\d+$/.test(values.households)) return { ok: false, error: `--households must be a whole number, got "${values.households}"` };
  const households = Number(values.households);
  if (households < 1 || households > MAX_HOUSEHOLDS) return { ok: false, error: `--households must be from 1 to ${MAX_HOUSEHOLDS}, got ${households}` };
  const seed = values.seed ?? '1';
  if (seed.length === 0) return { ok: false, error: '--seed must not be empty' };
  if (values.planted !== undefined && values.planted.length === 0) return { ok: false, error: '--planted needs a file name' };
  if (values.payments !== undefined && !/^(19|20)[0-9]{2}$/.test(values.payments)) return { ok: false, error: `--payments must be a year such as 2025, got "${values.payments}"` };
  return {
    ok: true,
    args: {
      options: { households, seed, regionPrefix: values.region ?? '6540', plant: !values['no-plant'], ...(values.payments ? { paymentsYear: Number(values.payments) } : {}) },
      plantedFile: values.planted ?? null,
    },
  };
}

/** Writes records as NDJSON in chunks, waiting when the stream is full (a slow pipe never buffers the file). */
export async function writeGeneration(records: Iterable<InterchangeRecord>, out: Writable, chunkSize = 1 << 16): Promise<number> {
  let chunk = '';
  let count = 0;
  for (const record of records) {
    chunk += `${JSON.stringify(record)}\n`;
    count++;
    if (chunk.length >= chunkSize) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  if (chunk) out.write(chunk);
  return count;
}

/**
 * Where the NDJSON goes: stdout, except that `npm run` prints its banner ("> pkg generate", "> tsx …")
 * to stdout before the script starts, so `npm run generate -- … > file.ndjson` would begin with lines
 * that are not JSON and the loader would refuse the file. When stdout is a file holding nothing but
 * that banner, the file is started afresh (Linux: the banner is read back through /proc). A pipe
 * cannot be rewound: use `npm run -s generate` there.
 */
export function outputStream(env: NodeJS.ProcessEnv = process.env): Writable {
  if (!env.npm_lifecycle_event) return process.stdout;
  try {
    const stat = fstatSync(1);
    if (!stat.isFile() || stat.size === 0 || stat.size > 4096) return process.stdout;
    if (!/^\n?(> [^\n]*\n)+\n?$/.test(readFileSync('/proc/self/fd/1', 'utf8'))) return process.stdout;
    ftruncateSync(1, 0);
    // `start` makes every write positional, from the beginning of the truncated file.
    return createWriteStream('/dev/stdout', { fd: 1, start: 0, autoClose: false });
  } catch {
    return process.stdout;
  }
}
