import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/scale.ts', 'src/sgp.ts'],
  // ESM first; the CommonJS build relies on Node's require(esm) (20.19+) for typebox, which is ESM-only.
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'node',
  deps: { neverBundle: [/^typebox/] },
  checks: { pluginTimings: false },
});
