import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockEnv, runCli } from './support/cli.js';

let mock: MockServer;
let evaluation: string;
beforeAll(async () => {
  mock = await startMockServer({ seed: 5, size: 1_000 });
  evaluation = mock.fixtures.evaluationIds[0] as string;
});
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await mock?.close();
});

describe('claim, assign, batch-assign against the mock', () => {
  it('claims a task (one line), then as JSON, and assigns them', async () => {
    const env = mockEnv(mock);
    const line = await runCli(['claim', '--evaluation-id', evaluation], { env });
    expect(line.code, line.stderr).toBe(0);
    expect(line.stdout).toMatch(
      new RegExp(
        `^claimed task \\S+ \\(EVALUATION_ANNOTATION, priority \\d+, status \\w+, assigned to \\S+, until \\S+\\) in evaluation ${evaluation}\\n$`,
      ),
    );

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const json = await runCli(
        ['claim', '--evaluation-id', evaluation, '--skip-current', '--json'],
        {
          env,
        },
      );
      expect(json.code, json.stderr).toBe(0);
      const task = JSON.parse(json.stdout) as { id: string; task_type: string };
      expect(task.task_type).toBe('EVALUATION_ANNOTATION');
      ids.push(task.id);
    }
    expect(new Set(ids).size).toBe(3);

    const assigned = await runCli(
      [
        'assign',
        '--evaluation-id',
        evaluation,
        '--task-id',
        ids[0] as string,
        '--user',
        'ana@example.com',
      ],
      { env },
    );
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toMatch(
      new RegExp(
        `^assigned task ${ids[0]} \\(.*assigned to ana@example.com\\) in evaluation ${evaluation}\\n$`,
      ),
    );

    const batch = await runCli(
      [
        'batch-assign',
        '--evaluation-id',
        evaluation,
        '--task-ids',
        ids.join(','),
        '--user',
        'bo@example.com',
      ],
      { env },
    );
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.stdout).toBe(
      `assigned 3 tasks in evaluation ${evaluation} to bo@example.com: ${ids.join(', ')}\n`,
    );
    const batchJson = await runCli(
      [
        'batch-assign',
        '--evaluation-id',
        evaluation,
        '--task-ids',
        ids.join(','),
        '--user',
        'cy@example.com',
        '--json',
      ],
      { env },
    );
    const tasks = JSON.parse(batchJson.stdout) as { id: string; assigned_to: string }[];
    expect(tasks.map((task) => [task.id, task.assigned_to])).toEqual(
      ids.map((id) => [id, 'cy@example.com']),
    );
  });

  it('audit tasks by --task-type', async () => {
    const result = await runCli(
      [
        'claim',
        '--evaluation-id',
        mock.fixtures.evaluationIds[1] as string,
        '--task-type',
        'EVALUATION_AUDIT',
      ],
      { env: mockEnv(mock) },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^claimed task \S+ \(EVALUATION_AUDIT, /);
  });

  it('an unknown evaluation or task is exit 2, one line', async () => {
    const env = mockEnv(mock);
    const unknown = await runCli(
      ['assign', '--evaluation-id', evaluation, '--task-id', 'no-such-task', '--user', 'u'],
      { env },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^scale-tasks: error: updateEvaluationTask failed with 404/);
    const batch = await runCli(
      ['batch-assign', '--evaluation-id', evaluation, '--task-ids', ',', '--user', 'u'],
      { env },
    );
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('--task-ids needs at least one task id');
    const missing = await runCli(['assign', '--evaluation-id', evaluation], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--task-id <id>' not specified");
  });
});
