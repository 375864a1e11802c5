import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import { registryClient } from '@saf/registry/client';
import type { Logger } from '@saf/service';
import { registryLastAnswer, registryPolls } from './metrics.ts';

/**
 * Serves the supergraph from a file and hands every change to the gateway, which swaps schemas
 * between requests (in-flight requests finish on the old one). A file that fails to load or
 * compose is logged and the running schema is kept.
 */
export function supergraphFromFile(file: string, log: Logger, onLoaded?: (sdl: string) => void): SupergraphSdlHook {
  return async ({ update, healthCheck }) => {
    let current = await readFile(file, 'utf8');
    onLoaded?.(current);
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      try {
        const next = await readFile(file, 'utf8');
        if (next === current || next.trim() === '') return;
        update(next);
        current = next;
        onLoaded?.(next);
        log.info({ file }, 'supergraph reloaded');
        // Probe the subgraphs of the new graph, but keep serving whatever they answer.
        healthCheck(next).catch((err: Error) => log.warn({ err: err.message }, 'subgraph health check after reload'));
      } catch (err) {
        log.error({ err, file }, 'supergraph reload failed; keeping the running schema');
      }
    };
    // Watch the directory: editors and `mv` replace the file, which ends a watch on the file itself,
    // and a Kubernetes ConfigMap update swaps a symlink whose name is not the file's: any event in
    // the directory triggers a read, and only changed content reaches the gateway.
    const watcher: FSWatcher = watch(path.dirname(file), () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 100);
    });
    return {
      supergraphSdl: current,
      cleanup: async () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
}

export interface RegistrySource {
  /** The schema registry (REGISTRY_URL). */
  url: string;
  /** The gateway's registry credential. */
  secret: Buffer;
  /** How often it asks for a newer supergraph (If-None-Match: an unchanged one costs a 304). */
  pollMs: number;
  /** Where it starts from when the registry cannot answer at start (SUPERGRAPH_PATH). */
  fallbackFile: string;
}

/** The subgraphs a supergraph names (its join__Graph values). */
export function subgraphNames(sdl: string): Set<string> {
  return new Set([...sdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"/g)].map((m) => m[1]!));
}

/**
 * The subgraphs `running` serves that `next` lacks and the registry does not name as unpublished:
 * a registry still being filled (services publishing one after another, a new registry's first
 * minutes) composes a graph of the services it has heard of, and a gateway that took it would stop
 * serving departments that are up and never left.
 */
export function missingFrom(running: string, next: string, removed: ReadonlySet<string>): string[] {
  const have = subgraphNames(next);
  return [...subgraphNames(running)].filter((name) => !have.has(name) && !removed.has(name));
}

/**
 * The latest good supergraph from the schema registry: fetched at start (or, when the registry
 * cannot answer, the file), then polled with its ETag and handed to the gateway when it changes,
 * which swaps schemas between requests. While the registry is down, or when a new supergraph
 * fails to load, the running one keeps serving.
 */
export function supergraphFromRegistry(source: RegistrySource, log: Logger, onLoaded?: (sdl: string, from: 'registry' | 'file') => void): SupergraphSdlHook {
  const send = registryClient({ url: source.url, party: 'gateway', secret: source.secret, timeoutMs: Math.min(10_000, Math.max(1_000, source.pollMs)) });
  let etag: string | undefined;
  let removed: ReadonlySet<string> = new Set();
  const latest = async (): Promise<string | null> => {
    const res = await send('/supergraph', { headers: etag ? { 'if-none-match': etag } : {} });
    if (res.status === 304 || res.status === 200) registryLastAnswer.set(Date.now() / 1000);
    if (res.status === 304) return null;
    if (res.status !== 200) throw new Error(`the registry answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const sdl = await res.text();
    etag = res.headers.get('etag') ?? undefined;
    removed = new Set((res.headers.get('x-removed-services') ?? '').split(',').filter(Boolean));
    return sdl;
  };
  // Logged once per supergraph the registry serves without a subgraph the gateway serves.
  let incompleteLogged: string | undefined;
  const incomplete = (running: string, next: string): boolean => {
    const missing = missingFrom(running, next, removed);
    if (!missing.length) return false;
    registryPolls.inc({ outcome: 'incomplete' });
    if (next !== incompleteLogged) log.warn({ registry: source.url, missing }, 'the registry\'s supergraph lacks subgraphs this gateway serves that were never unpublished (not published there yet?): keeping the running schema');
    incompleteLogged = next;
    // Asked for whole again at the next poll.
    etag = undefined;
    return true;
  };
  return async ({ update, healthCheck }) => {
    let current: string;
    try {
      const fromRegistry = (await latest())!;
      const file = await readFile(source.fallbackFile, 'utf8').catch(() => null);
      if (file !== null && incomplete(file, fromRegistry)) {
        current = file;
        onLoaded?.(current, 'file');
      } else {
        current = fromRegistry;
        log.info({ registry: source.url }, 'supergraph from the schema registry');
        onLoaded?.(current, 'registry');
      }
    } catch (err) {
      log.warn({ err: (err as Error).message, registry: source.url, file: source.fallbackFile }, 'schema registry unavailable at start: serving the supergraph file until it answers');
      current = await readFile(source.fallbackFile, 'utf8');
      onLoaded?.(current, 'file');
    }
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let failing = false;
    let failed: string | undefined;
    const poll = async () => {
      try {
        const next = await latest();
        if (failing) log.info({ registry: source.url }, 'schema registry answers again');
        failing = false;
        if (next === null || next === current) registryPolls.inc({ outcome: 'unchanged' });
        else if (incomplete(current, next)) {
          // Kept: the running schema serves every department until the registry has them all.
        } else {
          try {
            update(next);
            current = next;
            registryPolls.inc({ outcome: 'updated' });
            onLoaded?.(next, 'registry');
            log.info({ registry: source.url, etag }, 'supergraph updated from the schema registry');
            healthCheck(next).catch((err: Error) => log.warn({ err: err.message }, 'subgraph health check after update'));
          } catch (err) {
            // Asked for again at the next poll (the failure may pass, e.g. an update already under
            // way), logged once per supergraph.
            registryPolls.inc({ outcome: 'rejected' });
            if (next !== failed) log.error({ err, etag }, 'the registry\'s supergraph failed to load; keeping the running schema');
            failed = next;
            etag = undefined;
          }
        }
      } catch (err) {
        // Logged once per outage: the running schema keeps serving meanwhile.
        registryPolls.inc({ outcome: 'failed' });
        if (!failing) log.warn({ err: (err as Error).message, registry: source.url }, 'schema registry unavailable: keeping the running supergraph');
        failing = true;
      } finally {
        if (!stopped) timer = setTimeout(() => void poll(), source.pollMs);
      }
    };
    timer = setTimeout(() => void poll(), source.pollMs);
    return {
      supergraphSdl: current,
      cleanup: async () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };
}
