import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Package scripts run `vitest run --config ../../vitest.config.ts --project <name>` from the
// package directory, so the JSON report lands in that package and turbo can cache it.
const workspace = fileURLToPath(new URL('.', import.meta.url));
const reportFile = resolve(process.cwd(), '.vitest/report.json');

/** One package as a vitest project: `test/**\/*.test.ts`, plus `*.test-d.ts` type tests. */
function project(
  name: string,
  dir: string,
  options: { typeTests?: boolean } = {},
): TestProjectInlineConfiguration {
  return {
    test: {
      name,
      root: resolve(workspace, dir),
      include: ['test/**/*.test.ts'],
      // CI runs every package's tests at once on 2 cores; 5 s is too tight for the heavy ones.
      testTimeout: 30_000,
      ...(options.typeTests
        ? {
            typecheck: {
              enabled: true,
              include: ['test/**/*.test-d.ts'],
              tsconfig: './tsconfig.json',
            },
          }
        : {}),
    },
  };
}

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: reportFile }]],
    projects: [
      project('openapi', 'openapi'),
      project('test-support', 'packages/test-support'),
      project('schema-arbitraries', 'packages/schema-arbitraries'),
      project('types', 'packages/types', { typeTests: true }),
      project('openapi-typebox', 'packages/openapi-typebox'),
      project('validators', 'packages/validators', { typeTests: true }),
      project('client', 'packages/client', { typeTests: true }),
      project('mock-server', 'packages/mock-server'),
      project('contract-testing', 'packages/contract-testing', { typeTests: true }),
      project('spec-diff', 'packages/spec-diff'),
      project('scale-tasks', 'apps/scale-tasks'),
      project('release-test', 'packages/release-test'),
    ],
  },
});
