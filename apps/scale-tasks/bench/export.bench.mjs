// Export benchmark: the built CLI exporting 10,000 and 100,000 tasks from the local mock (in a
// worker thread), each run as a child process reporting its own peak RSS, against a bare loop of
// fetch + JSON.parse over the same pages. Run with `pnpm --filter @scale-contracts/scale-tasks bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const project = 'mock-chat-sft';
// The first of three projects holds about a third of the tasks.
const sizes = [30_000, 300_000];

const worker = new Worker(new URL('./mock-worker.mjs', import.meta.url), { workerData: { sizes } });
const mocks = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});

function exportRun(mock) {
  const dir = mkdtempSync(join(tmpdir(), 'scale-tasks-bench-'));
  const out = join(dir, 'tasks.jsonl');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [cli, 'export', '--project-name', project, '--out', out, '--quiet', '--report-rss'],
    {
      env: { ...process.env, SCALE_API_KEY: mock.apiKeys.scale, SCALE_BASE_URL: mock.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`export exited ${code}: ${stderr}`));
        return;
      }
      const tasks = Number(/exported ([\d,]+) tasks/.exec(stdout)[1].replace(/,/g, ''));
      const rate = Number(/, ([\d,]+) tasks\/s/.exec(stdout)[1].replace(/,/g, ''));
      const rssKb = Number(/max-rss-kb (\d+)/.exec(stderr)[1]);
      const bytes = statSync(out).size;
      rmSync(dir, { recursive: true, force: true });
      resolve({ tasks, rate, rssKb, wallMs, bytes });
    });
  });
}

async function bareLoop(mock) {
  const started = performance.now();
  let tasks = 0;
  let token;
  const headers = { authorization: `Bearer ${mock.apiKeys.scale}` };
  do {
    const query = new URLSearchParams({ project_name: project, limit: '100' });
    if (token) {
      query.set('next_token', token);
    }
    const response = await fetch(`${mock.url}/v2/tasks?${query}`, { headers });
    const page = JSON.parse(await response.text());
    tasks += page.tasks.length;
    token = page.next_token;
  } while (token);
  const ms = performance.now() - started;
  return { tasks, rate: (tasks * 1000) / ms, ms };
}

const say = (line) => process.stdout.write(`${line}\n`);
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
const n = (x) => Math.round(x).toLocaleString('en-US');

try {
  say(
    `node ${process.version}; mock in a worker thread (seed 42, response validation off); limit 100; default --validate warn`,
  );
  await bareLoop(mocks[0]); // warm-up of the mock's caches and of fetch
  const bare10k = await bareLoop(mocks[0]);
  const bare100k = await bareLoop(mocks[1]);
  const small = await exportRun(mocks[0]);
  const large = await exportRun(mocks[1]);
  say(`bare fetch + JSON.parse, ${n(bare10k.tasks)} tasks:   ${n(bare10k.rate)} tasks/s`);
  say(`bare fetch + JSON.parse, ${n(bare100k.tasks)} tasks:  ${n(bare100k.rate)} tasks/s`);
  for (const run of [small, large]) {
    say(
      `scale-tasks export, ${n(run.tasks)} tasks:      ${n(run.rate)} tasks/s (${(run.wallMs / 1000).toFixed(1)} s wall with startup), ${(run.bytes / 1024 / 1024).toFixed(0)} MB written, peak RSS ${mb(run.rssKb)}`,
    );
  }
  const rssRatio = large.rssKb / small.rssKb;
  const throughput = large.rate / bare100k.rate;
  say('');
  say(`peak RSS 100k / 10k:                 ${rssRatio.toFixed(2)}x (goal <= 1.2x)`);
  say(`export / bare loop throughput (100k): ${throughput.toFixed(2)}x (goal >= 0.5x)`);
  say(`export / bare loop throughput (10k):  ${(small.rate / bare10k.rate).toFixed(2)}x`);
} finally {
  worker.postMessage('close');
}
