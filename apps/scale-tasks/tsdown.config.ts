import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  platform: 'node',
  // `.js` (the package is `type: module`); workspace packages and npm dependencies stay imports.
  fixedExtension: false,
  deps: { neverBundle: [/^@scale-contracts\//, /^commander/, /^dotenv/, /^typebox/] },
  checks: { pluginTimings: false },
});
