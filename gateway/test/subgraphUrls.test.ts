import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolveSubgraphUrl, supergraphUrls } from '../src/subgraphUrls.ts';

describe('where the gateway sends a subgraph\'s requests', () => {
  const published = 'http://labour.hrss.example.gov.cn/graphql';
  it('takes <NAME>_URL first, then the URL the supergraph (the registry) gives', () => {
    expect(resolveSubgraphUrl('labour', published, { LABOUR_URL: 'http://override/graphql' }, 4000)).toBe('http://override/graphql');
    expect(resolveSubgraphUrl('labour', published, {}, 4000)).toBe(published);
    expect(resolveSubgraphUrl('public-security', 'http://gaj.example.gov.cn/graphql', {}, 4000, true)).toBe('http://gaj.example.gov.cn/graphql');
  });

  it('maps our own subgraphs to local ports outside production only, and never an unknown name', () => {
    expect(resolveSubgraphUrl('labour', 'http://labour.subgraph.invalid/graphql', {}, 4000)).toBe('http://127.0.0.1:4002/graphql');
    expect(() => resolveSubgraphUrl('labour', 'http://labour.subgraph.invalid/graphql', {}, 4000, true)).toThrow(/LABOUR_URL.*production/);
    expect(() => resolveSubgraphUrl('public-security', undefined, {}, 4000)).toThrow(/PUBLIC_SECURITY_URL/);
  });

  it('reads every subgraph\'s URL from a supergraph', () => {
    const urls = supergraphUrls(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    expect(urls.get('civil-affairs')).toBe('http://civil-affairs.subgraph.invalid/graphql');
    expect(urls.size).toBe(9);
  });
});
