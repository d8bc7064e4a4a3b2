import { defineConfig } from 'tsup';

// One build, two module formats: `import` gets dist/*.js (ESM), `require` gets dist/*.cjs,
// each with its own declaration file so TypeScript resolves the right one under either mode.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    mock: 'src/mock/index.ts',
    'mock-cli': 'src/mock/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', mock: 'src/mock/index.ts' } },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  shims: true,
});
