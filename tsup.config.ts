import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One build, two module formats: `import` gets dist/*.mjs (ESM), `require` gets dist/*.js (CJS, the
// package is "type": "commonjs"), each with its own declaration file so TypeScript resolves the right one
// under either mode. The bins (`restream`, `restream-mock`) are the CJS builds.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    mock: 'src/mock/index.ts',
    'mock-cli': 'src/mock/cli.ts',
    cli: 'src/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', mock: 'src/mock/index.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  shims: true,
  // Self-referencing classes (Site, Pad) would otherwise be named `_Site`, `_Pad` in the bundle.
  keepNames: true,
  // The dashboard's page (HTML, JS, CSS) is served as it is: copied beside the bundles, where
  // src/plot/dashboard/assets.ts looks for it. (uPlot's files are read from the `uplot` dependency.)
  onSuccess: async () => {
    cpSync('src/plot/dashboard/page', 'dist/dashboard', { recursive: true });
  },
  // d3-scale/d3-shape/d3-time-format (the plot's scales, ticks and paths) are ES modules only: bundled, so
  // the CommonJS build runs on every Node 20 without require(esm). They are build-time dependencies.
  noExternal: [/^d3-/, 'internmap'],
  // The database drivers are optional dependencies, loaded at run time by `sync` (src/sync/drivers.ts):
  // never bundled (DuckDB's is a native binding), never loaded unless a sync opens their kind of database.
  external: ['@duckdb/node-api', 'pg', 'pg-copy-streams'],
});
