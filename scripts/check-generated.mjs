#!/usr/bin/env node
// Regenerates every package's src/generated/ (bypassing turbo's cache) and fails when the
// result differs from what is committed, naming the files and the command that fixes them.
import { execFileSync, spawnSync } from 'node:child_process';

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
