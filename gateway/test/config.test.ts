import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { gatewayConfig } from '../src/config.ts';

const workers = (value?: string) => gatewayConfig({ NODE_ENV: 'test', ...(value === undefined ? {} : { GATEWAY_WORKERS: value }) }).GATEWAY_WORKERS;

describe('GATEWAY_WORKERS', () => {
  it('is one process unless told otherwise; a number, or auto for one per core', () => {
    expect(workers()).toBe(1);
    expect(workers('3')).toBe(3);
    expect(workers('auto')).toBe(availableParallelism());
  });

  it('refuses what is not a worker count, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', '65', 'many', 'AUTO']) expect(() => workers(bad), bad).toThrow(/GATEWAY_WORKERS/);
  });
});
