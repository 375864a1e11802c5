/**
 * Compiles `npm start`'s processes (its own supervisor, the embedded databases, the subgraphs, the
 * gateway) from TypeScript to JavaScript once, before they start, so that each runs on plain Node
 * instead of under tsx. On two busy cores this is most of a service's start: tsx's loader thread
 * and the resolution and transformation of a few hundred source files cost each process about
 * 2 s of CPU and 90 MB (measured 2026-12-07: labour's modules imported under tsx 2.9 s CPU,
 * 179 MB RSS; the same modules compiled 1.1 s, 90 MB).
 *
 * The project's own code (relative imports and the `@saf/*` workspaces) is bundled with esbuild,
 * one self-contained file per entry (replaced whole, so that a service restarted while `npm
 * start` runs finds its file); everything from npm stays an import of
 * node_modules, as before. `import.meta.url` in the project's files keeps naming the source file,
 * so that files found beside the source (schema.graphql, drizzle/, console/dist) are found as
 * under tsx. Output: `node_modules/.cache/saf-start/` (rebuilt at every start: about a second).
 *
 * Plain JavaScript: `scripts/start.mjs` runs it before anything can be TypeScript.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the compiled files go. */
export const outdirOf = (root) => path.join(root, 'node_modules', '.cache', 'saf-start');

/**
 * What `npm start` runs: its supervisor, the embedded databases, the gateway, every subgraph, the schema
 * registry and the publication of the subgraphs' schemas to it (a tsx process for that alone cost ~125 MB).
 * @param {string} root
 * @returns {string[]}
 */
export function startEntries(root) {
  const subgraphs = readdirSync(path.join(root, 'subgraphs'))
    .map((name) => `subgraphs/${name}/src/index.ts`)
    .filter((entry) => existsSync(path.join(root, entry)));
  const registry = existsSync(path.join(root, 'registry/src/index.ts')) ? ['registry/src/index.ts'] : [];
  const publish = registry.length ? ['scripts/schema-publish.ts'] : [];
  return ['scripts/start.ts', 'scripts/embedded-postgres.ts', 'gateway/src/index.ts', ...subgraphs, ...registry, ...publish];
}

/** The compiled file of `entry` in `outdir`. */
export const compiledPath = (outdir, entry) => path.join(outdir, entry.replace(/\.[cm]?tsx?$/, '.mjs'));

/**
 * Bundles `entries` (paths relative to `root`) into `outdir`; returns each entry's compiled file
 * (absolute path) by its relative path.
 * @param {string} root
 * @param {readonly string[]} entries
 * @param {string} [outdir]
 * @returns {Promise<Map<string, string>>}
 */
export async function bundle(root, entries, outdir = outdirOf(root)) {
  const esbuild = await import('esbuild');
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'saf-start',
    setup(build) {
      // npm packages stay imports of node_modules (resolved from the output, which is under root/node_modules).
      build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@saf/') ? undefined : { path: args.path, external: true }));
      // The project's TypeScript: import.meta.url stays the source file's URL.
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
  try {
    await build(esbuild, root, entries, outdir, plugin);
  } finally {
    // Its service process would otherwise stay beside npm start (70 MB).
    await esbuild.stop();
  }
  return new Map(entries.map((e) => [e, compiledPath(outdir, e)]));
}

/** @param {typeof import('esbuild')} esbuild @param {string} root @param {readonly string[]} entries @param {string} outdir @param {import('esbuild').Plugin} plugin */
async function build(esbuild, root, entries, outdir, plugin) {
  const result = await esbuild.build({
    write: false,
    absWorkingDir: root,
    entryPoints: entries.map((e) => path.join(root, e)),
    outbase: root,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // Keep function and class names: logs and stack traces name them.
    keepNames: true,
    // Beside the files, not in them (parsed only with NODE_OPTIONS=--enable-source-maps).
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [plugin],
  });
  // Each file written aside and renamed over the old: a start running beside this one (two test
  // files, or a service restarted now) reads a whole file, the old or the new.
  await Promise.all(
    result.outputFiles.map(async (file) => {
      await mkdir(path.dirname(file.path), { recursive: true });
      const tmp = `${file.path}.${process.pid}.tmp`;
      await writeFile(tmp, file.contents);
      await rename(tmp, file.path);
    }),
  );
}

/**
 * What the production image runs (Dockerfile): each service, the schema registry, its health check
 * and the release step's publication, compiled like `npm start`'s (the image runs no tsx).
 * @param {string} root
 * @returns {string[]}
 */
export function imageEntries(root) {
  return [...startEntries(root).filter((e) => e !== 'scripts/start.ts' && e !== 'scripts/embedded-postgres.ts' && e !== 'scripts/schema-publish.ts'), 'scripts/healthcheck.ts', 'scripts/schema-publish.ts'];
}

/** Where the image's compiled files go, relative to the root (the Dockerfile copies it). */
export const IMAGE_OUTDIR = 'dist';

// `node scripts/bundle.mjs --image`: compiles imageEntries into ./dist (the Dockerfile's build).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] !== '--image') {
    process.stderr.write('usage: node scripts/bundle.mjs --image   (compiles what the production image runs into ./dist)\n');
    process.exit(2);
  }
  const root = process.cwd();
  const began = Date.now();
  const files = await bundle(root, imageEntries(root), path.join(root, IMAGE_OUTDIR));
  process.stdout.write(`compiled ${files.size} entries into ${IMAGE_OUTDIR}/ in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
}
