import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer } from '@scale-contracts/mock-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, mockEnv, runCli, tempDir } from './support/cli.js';

type Json = Record<string, unknown>;
const list = (value: unknown) => (Array.isArray(value) ? (value as Json[]) : []);

/** The expected figures, computed here from the JSONL with a plain walk. */
function expected(tasks: Json[]) {
  const status = new Map<string, number>();
  const keys = new Map<string, number>();
  const levels = { thread: 0, turn: 0, message: 0, chunk: 0 };
  const threadsPerTask: number[] = [];
  const turnsPerThread: number[] = [];
  const messagesPerTurn: number[] = [];
  const count = (level: keyof typeof levels, annotations: unknown) => {
    for (const annotation of list(annotations)) {
      levels[level] += 1;
      keys.set(annotation.key as string, (keys.get(annotation.key as string) ?? 0) + 1);
    }
  };
  for (const task of tasks) {
    status.set(task.status as string, (status.get(task.status as string) ?? 0) + 1);
    const threads = list(task.threads);
    if (threads.length) {
      threadsPerTask.push(threads.length);
    }
    for (const thread of threads) {
      count('thread', thread.annotations);
      turnsPerThread.push(list(thread.turns).length);
      for (const turn of list(thread.turns)) {
        count('turn', turn.annotations);
        messagesPerTurn.push(list(turn.messages).length);
        for (const message of list(turn.messages)) {
          count('message', message.annotations);
          for (const chunk of list((message.content as Json | undefined)?.chunks)) {
            count('chunk', chunk.annotations);
          }
        }
      }
    }
  }
  const figure = (values: number[]) => ({
    count: values.length,
    min: Math.min(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    max: Math.max(...values),
  });
  return {
    byStatus: Object.fromEntries(status),
    byKey: Object.fromEntries(keys),
    levels,
    threadsPerTask: figure(threadsPerTask),
    turnsPerThread: figure(turnsPerThread),
    messagesPerTurn: figure(messagesPerTurn),
  };
}

interface StatsJson {
  tasks: number;
  bytes: number;
  byStatus: Record<string, number>;
  annotations: {
    total: number;
    byLevel: Record<string, number>;
    byKey: Record<string, { count: number; values: Record<string, number>; otherValues: number }>;
  };
  threadsPerTask: { count: number; min: number; mean: number; max: number };
  turnsPerThread: { count: number; min: number; mean: number; max: number };
  messagesPerTurn: { count: number; min: number; mean: number; max: number };
}

const files: Record<'short' | 'detailed', string> = { short: '', detailed: '' };

beforeAll(async () => {
  const mock = await startMockServer({ seed: 11, size: 400 });
  try {
    const dir = tempDir();
    for (const form of ['short', 'detailed'] as const) {
      const out = join(dir, `${form}.jsonl`);
      const extra = form === 'detailed' ? ['--opts', 'annotation_details'] : [];
      const result = await runCli(
        ['export', '--project-name', 'mock-chat-sft', '--out', out, '--quiet', ...extra],
        { env: mockEnv(mock) },
      );
      expect(result.code, result.stderr).toBe(0);
      files[form] = out;
    }
  } finally {
    await mock.close();
  }
}, 60_000);

describe('scale-tasks stats', () => {
  it.each(['short', 'detailed'] as const)(
    'counts exactly (%s annotations), --json',
    async (form) => {
      const file = files[form];
      const tasks = jsonLines(readFileSync(file, 'utf8'));
      const want = expected(tasks);
      const result = await runCli(['stats', file, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const stats = JSON.parse(result.stdout) as StatsJson;
      expect(Object.keys(stats).sort()).toEqual(
        [
          'annotations',
          'byStatus',
          'bytes',
          'file',
          'messagesPerTurn',
          'tasks',
          'threadsPerTask',
          'turnsPerThread',
        ].sort(),
      );
      expect(stats.tasks).toBe(tasks.length);
      expect(stats.bytes).toBe(readFileSync(file).length);
      expect(stats.byStatus).toEqual(want.byStatus);
      expect(stats.annotations.byLevel).toEqual(want.levels);
      expect(stats.annotations.total).toBe(Object.values(want.levels).reduce((a, b) => a + b, 0));
      expect(
        Object.fromEntries(Object.entries(stats.annotations.byKey).map(([k, v]) => [k, v.count])),
      ).toEqual(want.byKey);
      for (const entry of Object.values(stats.annotations.byKey)) {
        const counted = Object.values(entry.values).reduce((a, b) => a + b, 0) + entry.otherValues;
        expect(counted).toBe(entry.count);
      }
      expect(stats.threadsPerTask.count).toBe(want.threadsPerTask.count);
      expect(stats.threadsPerTask.min).toBe(want.threadsPerTask.min);
      expect(stats.threadsPerTask.max).toBe(want.threadsPerTask.max);
      expect(stats.threadsPerTask.mean).toBeCloseTo(want.threadsPerTask.mean, 10);
      expect(stats.turnsPerThread).toEqual({
        ...want.turnsPerThread,
        mean: expect.closeTo(want.turnsPerThread.mean, 10),
      });
      expect(stats.messagesPerTurn).toEqual({
        ...want.messagesPerTurn,
        mean: expect.closeTo(want.messagesPerTurn.mean, 10),
      });
      // The mock sends one annotation of each of the twelve types per completed task.
      expect(Object.keys(stats.annotations.byKey)).toHaveLength(12);
    },
  );

  it('prints aligned tables', async () => {
    const tasks = jsonLines(readFileSync(files.short, 'utf8'));
    const want = expected(tasks);
    const result = await runCli(['stats', files.short]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${files.short}: ${tasks.length} tasks`);
    expect(result.stdout).toMatch(/^status +tasks +share$/m);
    const completed = want.byStatus.completed as number;
    expect(result.stdout).toMatch(new RegExp(`^completed +${completed} +[\\d.]+%$`, 'm'));
    expect(result.stdout).toMatch(/^threads per task +\d+ +\d+ +\d+\.\d\d +\d+$/m);
    expect(result.stdout).toContain(
      `annotations: ${Object.values(want.levels)
        .reduce((a, b) => a + b, 0)
        .toLocaleString('en-US')} (thread ${want.levels.thread}`,
    );
  });

  it('a malformed line is exit 2 with its line number', async () => {
    const lines = readFileSync(files.short, 'utf8').split('\n').slice(0, 5);
    lines.splice(2, 0, '{"task_id": "task_x", "status": ');
    const file = join(tempDir(), 'broken.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runCli(['stats', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${file}:3: malformed line, not JSON`);
    const missing = await runCli(['stats', join(tempDir(), 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
