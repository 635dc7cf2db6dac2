#!/usr/bin/env node
// The `scale-contracts` bin: runs the built CLI (dist/cli.js). A file of its own, kept in the
// source tree, so that `pnpm install` in a fresh clone links the bin before anything is built
// (pnpm skips a bin whose file is missing); run before a build, it says what to do.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.url).endsWith('/dist/cli.js')) {
    process.stderr.write(
      'scale-contracts: not built yet: run `pnpm build` (or `pnpm verify`) at the repository root\n',
    );
    process.exit(2);
  }
  throw error;
}
