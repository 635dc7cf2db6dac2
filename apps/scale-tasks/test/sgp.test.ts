import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { check, errors } from '@scale-contracts/validators/sgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTask } from '../src/sgp.js';
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
  }, 90_000); // six CLI processes in a row: CI runs every package's tests at once on 2 cores

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

/** A task as SGP (FastAPI) may send it: unset optional fields null, plain FlexibleValues. */
const taskWithNulls = {
  id: 'task_nulls',
  task_type: 'EVALUATION_AUDIT',
  task_entity_parent_id: 'evaluation_nulls',
  task_entity_id: 'result_nulls',
  account_id: 'account_nulls',
  assigned_to: null,
  assignment_expires_at: null,
  status: 'PENDING',
  priority: 2,
  task_entity: {
    id: 'result_nulls',
    account_id: 'account_nulls',
    application_spec_id: 'spec_nulls',
    created_at: '2025-06-01T12:00:00Z',
    created_by_user_id: 'user_1',
    evaluation_id: 'evaluation_nulls',
    evaluation_dataset_id: 'dataset_nulls',
    evaluation_dataset_version_num: '1',
    test_case_id: 'case_nulls',
    label_status: 'PENDING',
    result: null,
    audit_status: null,
    audit_required: null,
    audit_comment: null,
    completed_at: null,
    time_spent_labeling_s: null,
    annotated_by_user_id: null,
    archived_at: null,
    test_case_evaluation_data_schema: 'FLEXIBLE',
    test_case_evaluation_data: {
      generation_output: {
        answer: 'Open 9 to 5.',
        grounded: true,
        follow_up: null,
        tags: ['hours', 3, false],
        sources: [{ text: 'Opening hours', metadata: null }],
      },
      generation_extra_info: null,
    },
  },
};

/** A one-route SGP stand-in: every request gets `body` (200), for what the mock never sends. */
async function stubSgp(body: unknown): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('null optional fields (scale-gp 0.1.0a59 Optional fields, sent as null by FastAPI)', () => {
  it('describeTask reads a null assignee and a null expiry as "nobody" and no expiry', () => {
    expect(check('EvaluationTask', taskWithNulls)).toBe(true);
    expect(describeTask(taskWithNulls as never)).toBe(
      'task task_nulls (EVALUATION_AUDIT, priority 2, status PENDING, assigned to nobody)',
    );
    expect(
      describeTask({
        ...(taskWithNulls as never as Parameters<typeof describeTask>[0]),
        assigned_to: { id: 'user_1', email: 'ana@example.com', first_name: null },
        assignment_expires_at: '2025-06-01T13:00:00Z',
      }),
    ).toBe(
      'task task_nulls (EVALUATION_AUDIT, priority 2, status PENDING, assigned to ana@example.com, until 2025-06-01T13:00:00Z)',
    );
  });

  it('claim prints a task with null fields and plain values, and --json keeps them', async () => {
    const stub = await stubSgp(taskWithNulls);
    try {
      const env = { SGP_API_KEY: 'sgp_stub_key', SGP_BASE_URL: stub.url };
      const line = await runCli(['claim', '--evaluation-id', 'evaluation_nulls'], { env });
      expect(line.code, line.stderr).toBe(0);
      expect(line.stdout).toBe(
        'claimed task task_nulls (EVALUATION_AUDIT, priority 2, status PENDING, assigned to nobody) in evaluation evaluation_nulls\n',
      );
      const json = await runCli(['claim', '--evaluation-id', 'evaluation_nulls', '--json'], {
        env,
      });
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(taskWithNulls);
    } finally {
      stub.server.close();
    }
  });

  it('a manual assignment from the mock has a null expiry, shown as none', async () => {
    const env = mockEnv(mock);
    const claimed = await runCli(['claim', '--evaluation-id', evaluation, '--json'], { env });
    const task = JSON.parse(claimed.stdout) as { id: string };
    const assigned = await runCli(
      ['assign', '--evaluation-id', evaluation, '--task-id', task.id, '--user', 'dee', '--json'],
      { env },
    );
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(JSON.parse(assigned.stdout)).toMatchObject({
      id: task.id,
      assigned_to: 'dee',
      assignment_expires_at: null,
    });
  });

  it('a task whose required field has the wrong type is still invalid, at its pointer', () => {
    const bad = { ...taskWithNulls, priority: 'high' };
    expect(check('EvaluationTask', bad)).toBe(false);
    expect(
      errors('EvaluationTask', bad).map((issue) => `${issue.path} ${issue.keyword}`),
    ).toContain('/priority type');
  });
});
