import { describe, expect, it } from 'vitest';
import { judge } from '../soak/mix.ts';

const err = (extensions: Record<string, unknown>) => ({ message: 'x', extensions });

describe('the soak judges each answer', () => {
  it('a complete answer is ok; a blank one is not', () => {
    expect(judge('household picture', 200, JSON.stringify({ data: { household: { id: 'H1' } } }), 'labour')).toEqual({ outcome: 'ok' });
    expect(judge('person lookup', 200, JSON.stringify({ data: { person: null } }), 'labour').outcome).toBe('failed');
  });

  it("only the killed department's part may be missing", () => {
    const partial = { data: { household: { id: 'H1' } }, errors: [err({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labour' })] };
    expect(judge('household picture', 200, JSON.stringify(partial), 'labour')).toEqual({ outcome: 'partial', reason: 'SUBGRAPH_UNAVAILABLE' });
    expect(judge('household picture', 200, JSON.stringify(partial), 'health').outcome).toBe('failed');
    const other = { ...partial, errors: [...partial.errors, err({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'coordination' })] };
    expect(judge('household picture', 200, JSON.stringify(other), 'labour')).toEqual({ outcome: 'failed', reason: 'INTERNAL_SERVER_ERROR from coordination' });
  });

  it('a household blanked while only the killed department was missing is a failure', () => {
    const blank = { data: { household: null }, errors: [err({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labour' })] };
    expect(judge('household picture', 200, JSON.stringify(blank), 'labour').outcome).toBe('failed');
  });

  it('a proposal check refused for the killed department is its part', () => {
    const refused = { data: null, errors: [err({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'coordination', services: ['labour'] })] };
    expect(judge('proposed-award check', 200, JSON.stringify(refused), 'labour').outcome).toBe('partial');
  });

  it('HTTP errors, bodies that are not JSON and leaked internals fail', () => {
    expect(judge('household picture', 503, '{}', 'labour')).toEqual({ outcome: 'failed', reason: 'HTTP 503' });
    expect(judge('household picture', 200, '<html>', 'labour')).toEqual({ outcome: 'failed', reason: 'not JSON' });
    const leak = { data: { household: { id: 'H1' } }, errors: [err({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labour', detail: 'connect ECONNREFUSED 127.0.0.1:4002' })] };
    expect(judge('household picture', 200, JSON.stringify(leak), 'labour')).toEqual({ outcome: 'failed', reason: 'internal detail in an error' });
  });
});
