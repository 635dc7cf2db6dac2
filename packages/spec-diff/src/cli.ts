#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bumpFor, diffBundles } from './diff.js';
import {
  bundleAt,
  currentBundles,
  redoclyBinary,
  repoRoot,
  resolveBase,
  SpecDiffError,
  shortHead,
  specDirty,
} from './git.js';
import { renderChangeset, renderTable } from './report.js';

const USAGE = `Usage: spec-diff [--base <git ref>] [--write-changeset | --dry-run] [--json]

Compares openapi/dist/*.json with the bundle at a base ref (default: the newest
@scale-contracts/openapi@* tag, else the root commit of main) and classifies each change.
  --base <ref>         the git ref to compare against
  --write-changeset    write .changeset/spec-<sha>.md for the generated packages
  --dry-run            print the report only (the default)
  --json               print {base, bump, changes} as JSON
`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string' },
      'write-changeset': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values['write-changeset'] && values['dry-run']) {
    throw new SpecDiffError('--write-changeset and --dry-run exclude each other');
  }
  const root = repoRoot(process.cwd());
  const base = resolveBase(root, values.base);
  const redocly = redoclyBinary(root);
  const before = bundleAt(root, base, redocly);
  const after = currentBundles(root, redocly);
  const changes = diffBundles(before, after);
  const sourceLabel = { option: '--base', tag: 'newest tag', 'root-commit': 'no tag found' }[
    base.source
  ];
  const baseLabel = `${base.ref} (${base.sha.slice(0, 7)}, ${sourceLabel})`;

  let written: string | undefined;
  if (values['write-changeset']) {
    const text = renderChangeset(changes, `${base.ref} (${base.sha.slice(0, 7)})`);
    if (text) {
      const dir = join(root, '.changeset');
      if (!existsSync(dir)) {
        throw new SpecDiffError(`no .changeset directory in ${root}`);
      }
      const head = shortHead(root);
      const id = head && !specDirty(root) ? head : new Date().toISOString().replace(/\D/g, '');
      written = join(dir, `spec-${id}.md`);
      const tmp = `${written}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, written);
    }
  }

  if (values.json) {
    const json = { base: { ...base }, bump: bumpFor(changes) ?? null, changes, changeset: written };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(renderTable(changes, baseLabel));
    if (written) {
      process.stdout.write(`wrote ${written}\n`);
    } else if (values['write-changeset']) {
      process.stdout.write('nothing changed: no changeset written\n');
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`spec-diff: ${message.split('\n')[0]}\n`);
  process.exitCode = error instanceof SpecDiffError ? 2 : 1;
}
