import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@saf/service';

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
