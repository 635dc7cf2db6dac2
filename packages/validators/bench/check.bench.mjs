#!/usr/bin/env node
// pnpm bench: TypeBox `check` against Ajv compiled from the same bundled JSON Schema, and
// against `JSON.parse` of the same bytes, in one process. Prints ops/s and the ratios.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import * as scale from '../dist/scale.mjs';
import { realisticPage, realisticTask } from './realistic-task.mjs';

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js');
const addFormats = require('ajv-formats');

const doc = JSON.parse(
  readFileSync(require.resolve('@scale-contracts/openapi/scale.json'), 'utf8'),
);
const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
(addFormats.default ?? addFormats)(ajv);
ajv.addSchema({
  $id: 'scale',
  $defs: JSON.parse(
    JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'scale#/$defs/'),
  ),
});
const ajvTask = ajv.getSchema('scale#/$defs/Task');
const ajvPage = ajv.getSchema('scale#/$defs/GetTasksResponse');

const task = realisticTask();
const page = realisticPage(100);
const taskText = JSON.stringify(task);
const pageText = JSON.stringify(page);
for (const [name, ok] of [
  ['typebox task', scale.check('Task', task)],
  ['ajv task', ajvTask(task)],
  ['typebox page', scale.check('GetTasksResponse', page)],
  ['ajv page', ajvPage(page)],
]) {
  if (!ok) {
    throw new Error(`bench fixture must be valid (${name})`);
  }
}

const time = Number(process.env.BENCH_TIME_MS ?? 1000);
const bench = new Bench({ time, warmupTime: 200 });
bench
  .add('task: typebox check', () => scale.check('Task', task))
  .add('task: ajv validate', () => ajvTask(task))
  .add('task: JSON.parse', () => JSON.parse(taskText))
  .add('task: JSON.parse + typebox check', () => scale.check('Task', JSON.parse(taskText)))
  .add('page: typebox check', () => scale.check('GetTasksResponse', page))
  .add('page: ajv validate', () => ajvPage(page))
  .add('page: JSON.parse', () => JSON.parse(pageText))
  .add('page: JSON.parse + typebox check', () =>
    scale.check('GetTasksResponse', JSON.parse(pageText)),
  );
await bench.run();

const opsPerSecond = Object.fromEntries(
  bench.tasks.map((entry) => [entry.name, 1000 / entry.result.period]),
);
const rows = bench.tasks.map((entry) => [entry.name, opsPerSecond[entry.name].toFixed(0)]);
const ratio = (a, b) => opsPerSecond[a] / opsPerSecond[b];
const lines = [
  `Task JSON: ${(taskText.length / 1024).toFixed(1)} KB; page of 100: ${(pageText.length / 1024).toFixed(0)} KB; node ${process.version}`,
  '',
  ...rows.map(([name, ops]) => `${name.padEnd(36)} ${ops.padStart(10)} ops/s`),
  '',
  `task: check vs Ajv throughput                 ${ratio('task: typebox check', 'task: ajv validate').toFixed(2)}x (goal >= 2x)`,
  `page: check vs Ajv throughput                 ${ratio('page: typebox check', 'page: ajv validate').toFixed(2)}x (goal >= 2x)`,
  `task: (JSON.parse + check) / JSON.parse time  ${ratio('task: JSON.parse', 'task: JSON.parse + typebox check').toFixed(2)}x`,
  `page: (JSON.parse + check) / JSON.parse time  ${ratio('page: JSON.parse', 'page: JSON.parse + typebox check').toFixed(2)}x (goal <= 1.20x)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
