import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // Runs wherever standard fetch does: no Node-only imports in the bundle.
  platform: 'neutral',
  deps: { neverBundle: [/^@scale-contracts\//, /^openapi-fetch/, /^typebox/] },
  checks: { pluginTimings: false },
});
