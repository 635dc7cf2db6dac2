import { defineConfig } from 'tsdown';

export default defineConfig({
  // The library and the `scale-mock` bin (which imports the library's chunk).
  entry: ['src/index.ts', 'src/cli.ts'],
  // ESM first; the CommonJS build relies on Node's require(esm) (20.19+) for ESM-only deps.
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'node',
  deps: { neverBundle: [/^@scale-contracts\//, /^hono/, /^@hono\//] },
  checks: { pluginTimings: false },
});
