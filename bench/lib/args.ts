import { parseArgs } from 'node:util';
import { SERVICES } from '@saf/config';

export const USAGE = `usage: npm run bench -- [options]
  --load-households N    households generated and loaded (default 100000)
  --sweep-households N   of those, the first N are loaded first and swept (default 34000, about 100,000 persons)
  --concurrency LIST     household-picture concurrencies (default 1,10,32)
  --duration S           seconds per timed run (default 8)
  --rounds N             rounds per concurrency, gateways alternating, and of sweep and monolith query, alternating (default 3; medians are reported)
  --seed S               generator seed (default bench)
  --cpu-prof NAMES       run these processes under --cpu-prof (e.g. gateway,coordination); profiles in bench/profiles/
  --skip LIST            leave out some of: sweep, load2 (the households after the swept ones), copy, monolith, stream (the floor of
                         a sweep by streams), picture, capacity, heavy (the picture beside a sweep and analysts' dashboards),
                         payments (no year of payments in the data, no payment sweep), enforcement (the picture with and
                         without the sharing agreements enforced, side by side)
  --paths LIST           household-picture paths to run, of ours, apollo, hive, router, floor, monolith (default all; e.g. ours,floor for an A/B of a setting)
  --env KEY=VALUE        set a variable for every process of the system (repeatable; e.g. SWEEP_PAGE_SIZE=500)
  --variant=OPTIONS      also run this gateway a second time with these Node options (e.g. --variant=--single-threaded-gc),
                         as a fifth household-picture path alternating with the others
  --variant-env KEY=VALUE  set a variable for that second gateway only (repeatable; runs the variant even without --variant)
  --node-options NAME=OPTIONS  run process NAME (gateway, coordination, civil-affairs, …) with these Node and V8 options
                         on its command line instead of its own (repeatable; V8 flags NODE_OPTIONS refuses work too,
                         e.g. gateway=--single-threaded-gc; an empty value runs it with V8's defaults)
  --keep                 keep the databases and the data files (for a look afterwards)
  --quick                a run to check the bench works, figures meaningless: 400 households (200 swept), concurrency 2,
                         2 s, 2 rounds, without the COPY, the second load, the capacity and heavy-work scenarios (each
                         setting still overridden by its own option); written to the day's scratch file, never a result`;

export interface BenchArgs {
  loadHouseholds: number;
  sweepHouseholds: number;
  concurrency: number[];
  duration: number;
  rounds: number;
  seed: string;
  cpuProf: Set<string>;
  keep: boolean;
  skip: Set<string>;
  /** The household-picture paths to run, in this order (the variant joins when asked for). */
  paths: (typeof PATHS)[number][];
  env: Record<string, string>;
  /** Node options of a second instance of our gateway, measured as the `variant` path. */
  variant: string[] | null;
  /** Variables of that second instance only. */
  variantEnv: Record<string, string>;
  /** Node options of some processes of the system, by name, in place of their own. */
  nodeOptions: Record<string, string[]>;
  /** `--quick`: small settings to check the bench itself; never written as a result. */
  quick: boolean;
}

/** The settings `--quick` starts from (each still overridden by its own option). */
const QUICK = { 'load-households': '400', 'sweep-households': '200', concurrency: '2', duration: '2', rounds: '2', skip: 'copy,load2,capacity,heavy' } as const;
const FULL = { 'load-households': '100000', 'sweep-households': '34000', concurrency: '1,10,32', duration: '8', rounds: '3', skip: '' } as const;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, got ${text}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'load-households': { type: 'string' },
      'sweep-households': { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      seed: { type: 'string', default: 'bench' },
      'cpu-prof': { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      variant: { type: 'string' },
      'variant-env': { type: 'string', multiple: true, default: [] },
      skip: { type: 'string' },
      paths: { type: 'string', default: PATHS.join(',') },
      env: { type: 'string', multiple: true, default: [] },
      'node-options': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const base = values.quick ? QUICK : FULL;
  const setting = (name: keyof typeof FULL) => values[name] ?? base[name];
  const loadHouseholds = positive('load-households', setting('load-households'));
  const sweepHouseholds = Math.min(positive('sweep-households', setting('sweep-households')), loadHouseholds);
  return {
    loadHouseholds,
    sweepHouseholds,
    concurrency: setting('concurrency').split(',').map((c) => positive('concurrency', c.trim())),
    duration: positive('duration', setting('duration')),
    rounds: positive('rounds', setting('rounds')),
    seed: values.seed,
    cpuProf: new Set(values['cpu-prof'].split(',').map((s) => s.trim()).filter(Boolean)),
    keep: values.keep,
    variant: values.variant !== undefined ? values.variant.split(/\s+/).filter(Boolean) : values['variant-env'].length ? [] : null,
    variantEnv: pairs('variant-env', values['variant-env']),
    skip: new Set(setting('skip').split(',').map((s) => s.trim()).filter(Boolean)),
    paths: pathList(values.paths),
    env: pairs('env', values.env),
    nodeOptions: nodeOptionsOf(values['node-options']),
    quick: values.quick,
  };
}

/** Every household-picture path, in the order they run. */
export const PATHS = ['ours', 'apollo', 'hive', 'router', 'floor', 'monolith'] as const;

function pathList(text: string): BenchArgs['paths'] {
  const paths = [...new Set(text.split(',').map((p) => p.trim()).filter(Boolean))];
  const unknown = paths.filter((p) => !(PATHS as readonly string[]).includes(p));
  if (unknown.length || paths.length === 0) throw new Error(`--paths takes some of ${PATHS.join(', ')}, got ${text}`);
  return paths as BenchArgs['paths'];
}

/** The processes `--node-options` can name: the gateway and the subgraphs. */
const PROCESSES = ['gateway', ...SERVICES.map((s) => s.name)];

function nodeOptionsOf(list: string[]): Record<string, string[]> {
  const byName = pairs('node-options', list);
  const unknown = Object.keys(byName).filter((name) => !PROCESSES.includes(name));
  if (unknown.length) throw new Error(`--node-options names a process of ${PROCESSES.join(', ')}, got ${unknown.join(', ')}`);
  return Object.fromEntries(Object.entries(byName).map(([name, options]) => [name, options.split(/\s+/).filter(Boolean)]));
}

function pairs(option: string, list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--${option} takes KEY=VALUE, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
