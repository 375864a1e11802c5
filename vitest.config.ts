import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql ships CommonJS and ESM builds; Apollo requires the CommonJS one. Resolve ours to the
// same file, or `instanceof` checks across the two copies fail ("another module or realm").
const graphqlMain = createRequire(import.meta.url).resolve('graphql');

// Tiers by file suffix (STYLE.md): unit in-process, int on a real PostgreSQL, e2e with real servers.
const roots = ['packages/*/test', 'subgraphs/*/test', 'gateway/test', 'registry/test', 'tests', 'scripts/test', 'bench/test'];
const glob = (suffix: string) => roots.map((r) => `${r}/**/*${suffix}`);

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: glob('.test.ts'),
          exclude: [...glob('.int.test.ts'), ...glob('.e2e.test.ts')],
          env: { APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent' },
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: glob('.int.test.ts'),
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent' },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: glob('.e2e.test.ts'),
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // Each file starts a whole system; two cores do not take more than one at a time well.
          fileParallelism: false,
          env: { APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent' },
        },
      },
    ],
  },
});
