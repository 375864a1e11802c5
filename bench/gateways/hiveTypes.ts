/**
 * What hive.ts and router.ts use of the comparison gateways' packages, typed here: those are
 * installed apart (bench/hive, by `npm run bench`), so the repository's typecheck does not see them.
 */
import type { RequestListener } from 'node:http';

export interface FetchHook {
  url: string;
  setURL(url: string): void;
  options: { method?: string; body?: unknown; headers?: unknown };
  setOptions(options: { method?: string; body?: unknown; headers?: unknown }): void;
}

export interface GatewayRuntime extends RequestListener {
  dispose(): unknown;
}

export interface GatewayRuntimeModule {
  createGatewayRuntime(options: { supergraph: string; unifiedGraphHandler?: unknown; plugins: () => { onFetch(hook: FetchHook): void }[] }): GatewayRuntime;
}

export interface RouterRuntimeModule {
  unifiedGraphHandler: unknown;
}
