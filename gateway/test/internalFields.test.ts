import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { internalFieldOf } from '../src/internalFields.ts';

const of = (query: string, operationName?: string) => internalFieldOf(parse(query), operationName);

describe('internal fields in a caller’s operation', () => {
  it('finds them however they are reached: alias, fragment, inline fragment, nested', () => {
    expect(of('{ _internalSweepBatch(regionCode: "65", first: 10) { personIds } }')).toBe('_internalSweepBatch');
    expect(of('{ page: _internalSweepPlan(regionCode: "65", pageSize: 10) { totalCount } }')).toBe('_internalSweepPlan');
    expect(of('query ($f: Int!) { ...F } fragment F on Query { b: _internalSweepBatch(regionCode: "65", first: $f) { personIds } }')).toBe('_internalSweepBatch');
    expect(of('{ ... on Query { ... { _internalLabourRecipients(regionCode: "65") { personId } } } }')).toBe('_internalLabourRecipients');
    expect(of('{ household(id: "H1") { id } ...A } fragment A on Query { ...B } fragment B on Query { _internalCertificateHolders(maxGrade: 2) }')).toBe('_internalCertificateHolders');
  });

  it('judges the operation that runs, and leaves other fields alone', () => {
    const doc = 'query Mine { household(id: "H1") { id } } query Theirs { _internalSweepPlan(regionCode: "65", pageSize: 5) { totalCount } }';
    expect(of(doc, 'Mine')).toBeNull();
    expect(of(doc, 'Theirs')).toBe('_internalSweepPlan');
    expect(of('{ household(id: "H1") { id internal: regionCode } }')).toBeNull();
    expect(of('query { ...A } fragment A on Query { ...A household(id: "H") { id } }')).toBeNull();
  });
});
