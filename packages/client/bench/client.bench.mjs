#!/usr/bin/env node
// pnpm bench: the client against bare openapi-fetch and raw fetch, same loopback server (in a
// worker thread), same process. Sequential and 16-way concurrent GETs of a 38 KB task and of a
// small one; the client with validation off and strict. Variants run interleaved, round after
// round, and the report gives medians, so that drift of a shared machine hits all alike.
import { Worker } from 'node:worker_threads';
import createClient from 'openapi-fetch';
import { createScaleClient } from '../dist/index.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const perRound = Number(process.env.BENCH_REQUESTS ?? 160);

const worker = new Worker(new URL('./server-worker.mjs', import.meta.url));
const { port, bigBytes } = await new Promise((resolve) => worker.once('message', resolve));
const baseUrl = `http://127.0.0.1:${port}`;

const bare = createClient({ baseUrl, headers: { authorization: 'Bearer bench-key' } });
const off = createScaleClient({ apiKey: 'bench-key', baseUrl, validate: 'off', logLevel: 'off' });
const strict = createScaleClient({
  apiKey: 'bench-key',
  baseUrl,
  validate: 'strict',
  logLevel: 'off',
});
const variants = {
  'raw fetch': async (id) =>
    (
      await fetch(`${baseUrl}/v2/task?task_id=${id}`, {
        headers: { authorization: 'Bearer bench-key' },
      })
    ).json(),
  'openapi-fetch': async (id) =>
    (await bare.GET('/v2/task', { params: { query: { task_id: id } } })).data,
  'client (validate off)': (id) => off.tasks.get(id),
  'client (validate strict)': (id) => strict.tasks.get(id),
};

/** Microseconds per request for `count` requests, `concurrency` at a time. */
async function measure(get, id, concurrency, count) {
  const started = performance.now();
  for (let done = 0; done < count; done += concurrency) {
    await Promise.all(Array.from({ length: concurrency }, () => get(id)));
  }
  return ((performance.now() - started) / count) * 1000;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const lines = [
  `38 KB task = ${(bigBytes / 1024).toFixed(1)} KB; node ${process.version}; ${rounds} interleaved rounds of ${perRound} requests per variant`,
  '',
];
const ratioLines = ['median ratios of time per request (per-round ratios):'];
for (const [body, id] of [
  ['38 KB task', 'big'],
  ['small task', 'small'],
]) {
  for (const [mode, concurrency] of [
    ['sequential', 1],
    ['16 concurrent', 16],
  ]) {
    const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (const get of Object.values(variants)) {
      await measure(get, id, concurrency, perRound); // warm-up
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, get] of Object.entries(variants)) {
        times[name].push(await measure(get, id, concurrency, perRound));
      }
    }
    for (const [name, values] of Object.entries(times)) {
      lines.push(
        `${`${body}, ${mode}: ${name}`.padEnd(52)} ${median(values).toFixed(0).padStart(6)} µs/request  ${(1e6 / median(values)).toFixed(0).padStart(6)} requests/s`,
      );
    }
    const ratio = (a, b) => median(times[a].map((value, index) => value / times[b][index]));
    ratioLines.push(
      `${`${body}, ${mode}:`.padEnd(28)} openapi-fetch/raw ${ratio('openapi-fetch', 'raw fetch').toFixed(2)}x` +
        `  client(off)/openapi-fetch ${ratio('client (validate off)', 'openapi-fetch').toFixed(2)}x` +
        `  client(strict)/client(off) ${ratio('client (validate strict)', 'client (validate off)').toFixed(2)}x`,
    );
  }
}
worker.postMessage('close');
ratioLines.push(
  '',
  'goals: client(off)/openapi-fetch <= 1.10x; client(strict)/client(off) <= 1.10x on the 38 KB task',
);
process.stdout.write(`${[...lines, '', ...ratioLines].join('\n')}\n`);
