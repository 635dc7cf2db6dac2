import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockEnv, runCli, startCli, tempDir } from './support/cli.js';

const seed = 42;
const size = 2_000;
let slow: MockServer;
let reference: Buffer;
let project: string;

const args = (out: string) => [
  'export',
  '--project-name',
  project,
  '--opts',
  'annotation_details',
  '--limit',
  '20',
  '--out',
  out,
  '--quiet',
];

/** Polls the checkpoint until it records at least one page. */
async function firstPageSaved(checkpoint: string): Promise<{ pages: number; done: boolean }> {
  for (;;) {
    if (existsSync(checkpoint)) {
      const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as {
        pages: number;
        done: boolean;
      };
      if (saved.pages >= 1) {
        return saved;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  // The uninterrupted run, against a mock without latency and the same seed.
  const fast = await startMockServer({ seed, size });
  try {
    project = fast.fixtures.projectNames[0] as string;
    const out = join(tempDir(), 'reference.jsonl');
    const result = await runCli(args(out), { env: mockEnv(fast) });
    expect(result.code, result.stderr).toBe(0);
    reference = readFileSync(out);
  } finally {
    await fast.close();
  }
  // About 34 pages of 20, each answered after 60 ms: the run lasts about 2 s.
  slow = await startMockServer({ seed, size, faults: { latencyMs: 60 } });
}, 60_000);

afterAll(async () => {
  await slow?.close();
});

describe('an interrupted export resumes to the same bytes', () => {
  it('after SIGINT: saves the checkpoint, says how to resume, exits 130', async () => {
    const dir = tempDir();
    const out = join(dir, 'tasks.jsonl');
    const checkpoint = `${out}.checkpoint.json`;
    const run = startCli(args(out), { env: mockEnv(slow), cwd: dir });
    const saved = await firstPageSaved(checkpoint);
    expect(saved.done).toBe(false);
    run.child.kill('SIGINT');
    const interrupted = await run.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(
      /^scale-tasks: interrupted: [\d,]+ tasks .* resume with: scale-tasks export /m,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(true);
    const at = JSON.parse(readFileSync(checkpoint, 'utf8')) as { bytes: number; tasks: number };
    expect(readFileSync(`${out}.partial`).length).toBe(at.bytes);
    expect(at.tasks).toBeLessThan(reference.toString().split('\n').length - 1);

    const resumed = await runCli(args(out), { env: mockEnv(slow), cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('scale-tasks: resuming tasks.jsonl after');
    expect(readFileSync(out).equals(reference)).toBe(true);
    expect(existsSync(checkpoint)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 60_000);

  it('after SIGKILL mid-write: truncates the half-written page and continues from the cursor', async () => {
    const dir = tempDir();
    const out = join(dir, 'tasks.jsonl');
    const checkpoint = `${out}.checkpoint.json`;
    const run = startCli(args(out), { env: mockEnv(slow), cwd: dir });
    await firstPageSaved(checkpoint);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    // A crash in the middle of a page leaves bytes the checkpoint does not cover.
    appendFileSync(`${out}.partial`, '{"task_id":"task_half_writ');

    const resumed = await runCli(args(out), { env: mockEnv(slow), cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(out).equals(reference)).toBe(true);
    expect(existsSync(checkpoint)).toBe(false);
  }, 60_000);

  it('refuses a checkpoint that belongs to another export (exit 2)', async () => {
    const dir = tempDir();
    const out = join(dir, 'tasks.jsonl');
    const checkpoint = `${out}.checkpoint.json`;
    const run = startCli(args(out), { env: mockEnv(slow), cwd: dir });
    await firstPageSaved(checkpoint);
    run.child.kill('SIGKILL');
    await run.done;
    const before = readFileSync(`${out}.partial`);

    const other = await runCli(
      ['export', '--project-name', 'mock-coding-evals', '--out', out, '--quiet'],
      { env: mockEnv(slow), cwd: dir },
    );
    expect(other.code).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toContain(`checkpoint ${checkpoint} belongs to another export`);
    expect(readFileSync(`${out}.partial`).equals(before)).toBe(true);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
