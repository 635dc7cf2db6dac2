#!/usr/bin/env node
// `pnpm start` until the sample app lands: what the spec describes and what was built from it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const methods = ['get', 'put', 'post', 'delete', 'patch'];
const out = [];
for (const api of ['scale', 'sgp']) {
  const doc = JSON.parse(readFileSync(join('openapi', 'dist', `${api}.json`), 'utf8'));
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      if (item[method]) {
        operations.push(
          `  ${method.toUpperCase().padEnd(6)} ${path.padEnd(52)} ${item[method].operationId}`,
        );
      }
    }
  }
  for (const [name, item] of Object.entries(doc.webhooks ?? {})) {
    for (const method of methods) {
      if (item[method]) {
        operations.push(
          `  ${method.toUpperCase().padEnd(6)} ${`(webhook) ${name}`.padEnd(52)} ${item[method].operationId}`,
        );
      }
    }
  }
  out.push(
    `${doc.info.title} ${doc.info.version} — ${doc.servers[0].url}`,
    `  ${operations.length} operations, ${Object.keys(doc.components.schemas).length} schemas, ${Object.keys(doc.components.examples ?? {}).length} named examples`,
    ...operations,
    '',
  );
}

out.push('Packages built:');
for (const dir of ['openapi', ...readdirSync('packages').map((name) => join('packages', name))]) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let files = 0;
  try {
    files = readdirSync(join(dir, 'dist')).filter((file) =>
      statSync(join(dir, 'dist', file)).isFile(),
    ).length;
  } catch {}
  const state = manifest.private ? 'internal' : `${files} files in dist/`;
  out.push(`  ${manifest.name.padEnd(32)} ${state.padEnd(18)} ${manifest.description}`);
}
out.push(
  '',
  'Next: pnpm test:ci runs every check; see README.md for how the spec drives generation.',
);
process.stdout.write(`${out.join('\n')}\n`);
