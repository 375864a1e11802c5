import { describe, expect, it } from 'vitest';
import { createLogger } from '@saf/service';
import { createUsageReporter } from '../src/operationUsage.ts';
import type { GatewayContext } from '../src/context.ts';

type Hooks = { didResolveOperation(rc: unknown): Promise<void> };

async function serve(reporter: ReturnType<typeof createUsageReporter>, query: string, clientName: string | null, role = 'CASEWORKER', operationName: string | null = null) {
  const hooks = (await reporter.plugin.requestDidStart!({} as never)) as unknown as Hooks;
  const headers = new Map(clientName ? [['apollographql-client-name', clientName]] : []);
  await hooks.didResolveOperation({ request: { query, http: { headers } }, operationName, contextValue: { caller: { sub: 'x', role }, internal: false } as unknown as GatewayContext });
}

describe('the gateway\'s operation usage reports', () => {
  it('counts per document and client, sends no variables, and keeps what the registry did not take', async () => {
    const sent: unknown[] = [];
    let up = false;
    const reporter = createUsageReporter({
      send: async (body) => {
        if (!up) throw new Error('connect ECONNREFUSED');
        sent.push(body);
        return new Response('{}', { status: 200 });
      },
      intervalMs: 3_600_000,
      log: createLogger('gateway', 'silent'),
    });
    await serve(reporter, 'query A { a }', 'caseworker-console', 'CASEWORKER', 'A');
    await serve(reporter, 'query A { a }', 'caseworker-console', 'CASEWORKER', 'A');
    await serve(reporter, '{ b }', null, 'AUDITOR');
    await serve(reporter, '{ b }', 'bad\nname', 'AUDITOR');
    await reporter.flush();
    expect(sent).toEqual([]);
    up = true;
    await reporter.close();
    const operations = (sent[0] as { operations: Array<Record<string, unknown>> }).operations;
    expect(operations.map((o) => [o.name, o.client, o.count])).toEqual([
      ['A', 'caseworker-console', 2],
      [null, 'AUDITOR', 2],
    ]);
    expect(Object.keys(operations[0]!).sort()).toEqual(['client', 'count', 'document', 'lastSeen', 'name']);
  });
});
