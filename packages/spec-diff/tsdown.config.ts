import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  platform: 'node',
  // `.js` (the package is `type: module`), as the root `spec:diff` script expects.
  fixedExtension: false,
  checks: { pluginTimings: false },
});
