#!/usr/bin/env node
// Sums the vitest JSON reports of every package into the one line CI reads:
// "N passed, N failed[, N skipped]". A failing non-test step (build, lint, ...) with no
// failing test counts as one failure, so the line never reads green for a red run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const exitStatus = Number(process.argv[2] ?? 0);
const packageDirs = [
  'openapi',
  ...['packages', 'apps'].flatMap((group) => {
    try {
      return readdirSync(group).map((name) => join(group, name));
    } catch {
      return [];
    }
  }),
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of packageDirs) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, '.vitest', 'report.json'), 'utf8'));
  } catch {
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
if (exitStatus !== 0 && failed === 0) {
  failed = 1;
}
process.stdout.write(
  `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
);
