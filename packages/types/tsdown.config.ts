import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/scale.ts', 'src/sgp.ts'],
  // Ship both formats so `require()` consumers on Node 20 resolve the same declarations.
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  platform: 'neutral',
  // Declaration generation dominates this build by design; the timing report is noise.
  checks: { pluginTimings: false },
});
