import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../lib/args.ts';

describe('the benchmark’s options', () => {
  it('runs no variant unless asked, and splits a variant’s Node options', () => {
    expect(parseBenchArgs([]).variant).toBeNull();
    expect(parseBenchArgs(['--variant=--single-threaded-gc  --max-semi-space-size=32']).variant).toEqual(['--single-threaded-gc', '--max-semi-space-size=32']);
  });

  it('runs named processes with the Node options given, and refuses a name that is no process', () => {
    expect(parseBenchArgs([]).nodeOptions).toEqual({});
    expect(parseBenchArgs(['--node-options', 'coordination=--max-semi-space-size=32  --single-threaded-gc', '--node-options', 'gateway='])).toMatchObject({
      nodeOptions: { coordination: ['--max-semi-space-size=32', '--single-threaded-gc'], gateway: [] },
    });
    expect(() => parseBenchArgs(['--node-options', 'router=--x'])).toThrow(/--node-options names a process of gateway, civil-affairs, .*, got router/);
    expect(() => parseBenchArgs(['--node-options=--x'])).toThrow(/--node-options takes KEY=VALUE/);
  });

  it('starts a quick run from small settings, each still overridden by its own option', () => {
    const full = parseBenchArgs([]);
    expect([full.loadHouseholds, full.sweepHouseholds, full.concurrency, full.duration, full.rounds, full.quick, [...full.skip]]).toEqual([100000, 34000, [1, 10, 32], 8, 3, false, []]);
    const quick = parseBenchArgs(['--quick']);
    expect([quick.loadHouseholds, quick.sweepHouseholds, quick.concurrency, quick.duration, quick.rounds, quick.quick, [...quick.skip]]).toEqual([400, 200, [2], 2, 2, true, ['copy', 'load2', 'capacity', 'heavy']]);
    const mixed = parseBenchArgs(['--quick', '--concurrency', '4', '--skip', 'sweep']);
    expect([mixed.concurrency, [...mixed.skip], mixed.loadHouseholds]).toEqual([[4], ['sweep'], 400]);
  });

  it('runs every household-picture path unless told which, in the order given', () => {
    expect(parseBenchArgs([]).paths).toEqual(['ours', 'apollo', 'hive', 'router', 'floor', 'monolith']);
    expect(parseBenchArgs(['--paths', 'floor, ours,floor']).paths).toEqual(['floor', 'ours']);
    expect(() => parseBenchArgs(['--paths', 'ours,nginx'])).toThrow(/--paths takes some of ours, apollo, hive, router, floor, monolith, got ours,nginx/);
    expect(() => parseBenchArgs(['--paths', ','])).toThrow(/--paths takes/);
  });

  it('names the option that is wrong', () => {
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow(/--rounds must be a whole number/);
    expect(() => parseBenchArgs(['--env', 'NOEQUALS'])).toThrow(/--env takes KEY=VALUE/);
    expect(() => parseBenchArgs(['--variant'])).toThrow(/--variant/);
    // Variables alone run the variant too, with V8's defaults.
    expect(parseBenchArgs(['--variant-env', 'GATEWAY_MAX_IN_FLIGHT=8', '--variant-env', 'A=b=c'])).toMatchObject({ variant: [], variantEnv: { GATEWAY_MAX_IN_FLIGHT: '8', A: 'b=c' } });
    expect(parseBenchArgs([]).variantEnv).toEqual({});
    expect(() => parseBenchArgs(['--variant-env', 'novalue'])).toThrow(/--variant-env takes KEY=VALUE/);
  });
});
