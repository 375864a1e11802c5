import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeneration } from '@saf/generator';
import type { InterchangeRecord } from '@saf/interchange';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// A generated file with a year of payments (SPEC section 11), loaded through the loader: a payment
// sweep of each month with planted cases finds exactly them, through the gateway and every department.

const HOUSEHOLDS = 300;
const generation = createGeneration({ households: HOUSEHOLDS, seed: 'money-e2e', regionPrefix: '654002', paymentsYear: 2025 });
const records: InterchangeRecord[] = [...generation.records];

describe(`payment sweeps of a generated file of ${HOUSEHOLDS} households`, () => {
  let system: System;
  beforeAll(async () => {
    // Pages of a third of the households: an account can be shared across pages.
    system = await startSystem({ sweepPageSize: 100 });
    expect(await loadFile(await writeNdjson(records), system.loadOptions)).toMatchObject({ ok: true, records: records.length });
  });
  afterAll(() => system?.stop());

  it('finds exactly the planted payment cases, month by month', { timeout: 600_000 }, async () => {
    const months = [...new Set(generation.plantedPayments.map((f) => f.period))].sort();
    expect(months.length).toBeGreaterThan(1);
    const expected = generation.plantedPayments.map((f) => `${f.period} ${f.rule} ${f.paymentKeys.map((k) => k.slice(k.indexOf(':') + 1)).sort().join(' ')}`).sort();
    const found: string[] = [];
    for (const period of months) {
      const run = await system.query(`mutation ($p: String!) { runPaymentSweep(regionCode: "654002", period: $p) { id } }`, { p: period });
      expect(run.errors).toBeUndefined();
      let status = 'RUNNING';
      for (let i = 0; i < 1200 && status === 'RUNNING'; i++) {
        const s = await system.query(`query ($id: ID!) { paymentSweep(id: $id) { status error } }`, { id: run.data!.runPaymentSweep.id });
        status = s.data!.paymentSweep.status;
        if (status === 'FAILED') throw new Error(s.data!.paymentSweep.error);
        if (status === 'RUNNING') await new Promise((r) => setTimeout(r, 200));
      }
      const res = await system.query(`query ($p: String!) { paymentFindings(regionCode: "654002", period: $p, first: 500) { edges { node { rule period paymentIds } } } }`, { p: period });
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data!.paymentFindings.edges) found.push(`${node.period} ${node.rule} ${[...node.paymentIds].sort().join(' ')}`);
    }
    expect(found.sort()).toEqual(expected);
  });
});
