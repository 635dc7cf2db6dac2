#!/usr/bin/env node
// openapi-typebox <bundled.json> --out <file> [--source <label>] [--regenerate <command>]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EmitError } from './emit-error.js';
import { emitModule, type OpenApiDocument } from './emit-module.js';

const usage =
  'usage: openapi-typebox <bundled-openapi.json> --out <file.ts> [--source <label>] [--regenerate <command>]';

function fail(message: string): never {
  process.stderr.write(`openapi-typebox: ${message}\n`);
  process.exit(1);
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      source: { type: 'string' },
      regenerate: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const input = positionals[0];
const out = values.out;
if (positionals.length !== 1 || typeof input !== 'string' || typeof out !== 'string') {
  fail(usage);
}

let document: OpenApiDocument;
try {
  document = JSON.parse(readFileSync(input, 'utf8')) as OpenApiDocument;
} catch (error) {
  fail(`cannot read ${input}: ${(error as Error).message}`);
}

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  .version as string;
try {
  const text = emitModule(document, {
    source: typeof values.source === 'string' ? values.source : input,
    regenerate:
      typeof values.regenerate === 'string'
        ? values.regenerate
        : `openapi-typebox ${input} --out ${out}`,
    version,
  });
  // Written beside the target and renamed, so a failure never leaves a half-written file.
  const temporary = `${out}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, out);
  process.stdout.write(`openapi-typebox: ${input} -> ${out}\n`);
} catch (error) {
  if (error instanceof EmitError) {
    fail(`${input}: ${error.message}`);
  }
  throw error;
}
