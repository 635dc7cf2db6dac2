#!/usr/bin/env node
// Regenerates every package's src/generated/ (bypassing turbo's cache) and fails when the
// result differs from what is committed, naming the files and the command that fixes them.
import { execFileSync, spawnSync } from 'node:child_process';

// The spec's own generated sources first (openapi/src/scale/generated/, one v1 creation
// operation per task type): they feed the bundle, so drift there is drift everywhere after it.
const spec = spawnSync('node', ['openapi/scripts/generate-v1-create-paths.mjs', '--check'], {
  stdio: 'inherit',
});
if (spec.status !== 0) {
  process.exit(spec.status ?? 1);
}

const generate = spawnSync(
  'pnpm',
  ['turbo', 'run', 'generate', '--force', '--output-logs=errors-only'],
  {
    stdio: 'inherit',
  },
);
if (generate.status !== 0) {
  process.stderr.write('check:generated: generation itself failed (see above).\n');
  process.exit(generate.status ?? 1);
}

const changed = execFileSync(
  'git',
  ['status', '--porcelain', '--untracked-files=all', '--', ':(glob)**/src/generated/**'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter(Boolean);

if (changed.length > 0) {
  process.stderr.write(
    [
      'check:generated: generated code is out of date with the spec (or was edited by hand):',
      ...changed.map((line) => `  ${line}`),
      '',
      'Fix: pnpm generate && git add "**/src/generated/**" and commit the result.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
process.stdout.write('check:generated: generated code matches the spec.\n');
