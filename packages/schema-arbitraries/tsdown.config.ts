import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // No Node-only imports: runs wherever fast-check and Ajv do.
  platform: 'neutral',
  // fast-check is a peer: the arbitraries must come from the caller's fast-check.
  deps: { neverBundle: [/^fast-check/, /^ajv/] },
  checks: { pluginTimings: false },
});
