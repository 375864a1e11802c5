/**
 * The schema registry in `npm start` (REGISTRY=1, the default): started by the supervisor beside
 * the subgraphs, its database embedded (a database of the embedded process) or `<DATABASE_URL's
 * database>_registry`. The gateway starts from the committed supergraph file as before and pulls
 * from the registry (REGISTRY_URL) once the repository's subgraphs have published themselves,
 * which happens in the background after the start (`npm run schema:publish -- --all`; a
 * publication identical to the one the registry serves costs nothing). So the start does not wait
 * for the registry, and a registry that fails or refuses a schema leaves the gateway on the file
 * or on the registry's last good supergraph, with a line saying why.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Supervised, Supervisor } from './supervise.ts';

/** Where the registry of `npm start` listens (as registry/src/config.ts defaults it). */
export function localRegistryUrl(env: NodeJS.ProcessEnv, subgraphPortBase: number): string {
  return `http://127.0.0.1:${env.REGISTRY_PORT ?? subgraphPortBase + 20}`;
}

/** Starts the registry without holding up the start: resolves false (and says why) when it does not come up. */
export function startRegistryBeside(supervisor: Supervisor, url: string, env: Record<string, string> | undefined, out: (line: string) => void): { service: Supervised; started: Promise<boolean> } {
  const service = supervisor.add('registry', 'registry/src/index.ts', url, { env });
  const started = supervisor.startAll([service]).then(
    () => true,
    (err: Error) => {
      out(`schema registry did not start (${err.message}): the gateway serves the supergraph file; see the registry's lines above`);
      return false;
    },
  );
  return { service, started };
}

/**
 * Publishes every subgraph of this repository at its local URL (`npm run schema:publish -- --all`),
 * in a child process: `compiled` (scripts/bundle.mjs) on plain Node when given, else under tsx.
 */
export function publishOwnSchemas(url: string, out: (line: string) => void, compiled?: string): Promise<boolean> {
  const script = fileURLToPath(new URL('./schema-publish.ts', import.meta.url));
  const argv = compiled ? [compiled] : ['--import', 'tsx', script];
  return new Promise((resolve) => {
    execFile(process.execPath, [...argv, '--all', '--by', 'npm start'], { env: { ...process.env, REGISTRY_URL: url }, timeout: 600_000 }, (err, stdout, stderr) => {
      const refused = stdout.split('\n').filter((l) => l && !/: (unchanged|published version)/.test(l) && !/^\s+(changed|warning)/.test(l));
      if (!err) {
        const published = stdout.split('\n').filter((l) => /: published version/.test(l)).length;
        out(`schema registry ${url}: ${published ? `${published} subgraph(s) published` : 'every subgraph unchanged'}; the gateway pulls from it`);
        return resolve(true);
      }
      out(`schema registry ${url}: publishing the subgraphs failed; the gateway keeps serving what it has (the file, or the registry's last good supergraph):\n${[...refused, stderr.trim()].filter(Boolean).map((l) => `  ${l}`).join('\n')}`);
      resolve(false);
    });
  });
}
