import { useCallback, useEffect, useState } from 'react';
import { useGraphQL, useQuery } from './useGraphQL.ts';

export interface Connection<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N }[];
}

/**
 * A keyset-paginated list: the first page whenever `variables` change (null: none), and
 * `more()` appends the next page after the last cursor. `reload()` starts again from the top.
 */
export function usePaged<N>(query: string, field: string, variables: Record<string, unknown> | null) {
  const run = useGraphQL();
  const first = useQuery<Record<string, Connection<N>>>(query, variables);
  const [extra, setExtra] = useState<{ nodes: N[]; hasNextPage: boolean; endCursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const key = JSON.stringify(variables);
  // A new first page (other variables, or a reload) drops the pages appended to the old one.
  useEffect(() => {
    setExtra(null);
    setMoreError(null);
  }, [key, first.state]);

  const page = first.state.kind === 'ok' ? first.state.data[field] : undefined;
  const nodes = page ? [...page.edges.map((e) => e.node), ...(extra?.nodes ?? [])] : [];
  const hasNextPage = extra ? extra.hasNextPage : page?.pageInfo.hasNextPage ?? false;
  const endCursor = extra ? extra.endCursor : page?.pageInfo.endCursor ?? null;

  const more = useCallback(async () => {
    if (!variables || !endCursor) return;
    setLoadingMore(true);
    const res = await run<Record<string, Connection<N>>>(query, { ...variables, after: endCursor });
    setLoadingMore(false);
    if (res.kind !== 'ok') return setMoreError(res.kind === 'error' || res.kind === 'invalid' ? res.message : res.kind);
    const next = res.data[field]!;
    setExtra((old) => ({ nodes: [...(old?.nodes ?? []), ...next.edges.map((e) => e.node)], hasNextPage: next.pageInfo.hasNextPage, endCursor: next.pageInfo.endCursor }));
  }, [run, query, field, key, endCursor]);

  return { state: first.state, reload: first.reload, nodes, totalCount: page?.totalCount ?? 0, hasNextPage, more, loadingMore, moreError };
}
