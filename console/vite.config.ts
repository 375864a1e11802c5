import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two pages: the console at / and the GraphQL explorer at /explorer/ (the gateway hides the
// explorer in production, using the manifest to know which files are the explorer's alone).
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    manifest: true,
    // No inline scripts or data: URLs of our own: the pages run under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: { main: here('index.html'), explorer: here('explorer/index.html') },
      // GraphiQL's react-compiler-runtime carries a "use no memo" directive bundlers drop; harmless.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
