import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    // Both formats, so `require()` consumers on Node 20 get the same API.
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    platform: 'node',
    checks: { pluginTimings: false },
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    platform: 'node',
    checks: { pluginTimings: false },
  },
]);
