#!/usr/bin/env node
// Generates src/generated/<api>.ts from the bundled OpenAPI documents with openapi-typebox.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const apis = ['scale', 'sgp'];
const cli = fileURLToPath(
  import.meta.resolve('@scale-contracts/openapi-typebox/package.json'),
).replace(/package\.json$/, 'dist/cli.mjs');
for (const api of apis) {
  const input = fileURLToPath(import.meta.resolve(`@scale-contracts/openapi/${api}.json`));
  const result = spawnSync(
    process.execPath,
    [
      cli,
      input,
      '--out',
      `src/generated/${api}.ts`,
      '--source',
      `@scale-contracts/openapi/${api}.json (openapi/src/${api}/openapi.yaml)`,
      '--regenerate',
      'pnpm --filter @scale-contracts/validators generate (or `pnpm generate` at the root)',
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}
