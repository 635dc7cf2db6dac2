import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Package scripts run `vitest run --config ../../vitest.config.ts --project <name>` from the
// package directory, so the JSON report lands in that package and turbo can cache it.
const workspace = fileURLToPath(new URL('.', import.meta.url));
const reportFile = resolve(process.cwd(), '.vitest/report.json');

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: reportFile }]],
    projects: [
      {
        test: {
          name: 'openapi',
          root: resolve(workspace, 'openapi'),
          include: ['test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'types',
          root: resolve(workspace, 'packages/types'),
          include: ['test/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
    ],
  },
});
