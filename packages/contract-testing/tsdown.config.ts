import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/vitest.ts'],
    // Both formats for the library. `./vitest` is built as CommonJS too so that every entry
    // resolves the same way; vitest itself refuses `require()`, with its own clear message.
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    platform: 'node',
    // `.js` for ESM (the package is `type: module`), `.cjs` for CommonJS.
    fixedExtension: false,
    deps: { neverBundle: [/^@scale-contracts\//, /^typebox/, /^vitest/] },
    checks: { pluginTimings: false },
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    platform: 'node',
    fixedExtension: false,
    deps: { neverBundle: [/^@scale-contracts\//, /^typebox/] },
    checks: { pluginTimings: false },
  },
]);
