import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@scale-contracts/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, mockEnv, runCli, tempDir } from './support/cli.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 3, size: 300 });
});
afterAll(async () => {
  await mock?.close();
});

/** One line on stderr that starts with the CLI's name, and no stack trace. */
function oneLine(result: CliResult): string {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^scale-tasks: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

/** Runs an export into a fresh directory and returns the result and what is left there. */
async function exportInto(args: string[], env: Record<string, string>) {
  const dir = tempDir();
  const out = join(dir, 'tasks.jsonl');
  const result = await runCli(['export', ...args, '--out', out, '--quiet'], { env, cwd: dir });
  return { result, out, files: readdirSync(dir) };
}

describe('bad input: one line naming the problem, a meaningful exit code, no file at <out>', () => {
  it('an unknown flag is exit 2', async () => {
    const { result, out } = await exportInto(
      ['--project-name', 'x', '--frobnicate'],
      mockEnv(mock),
    );
    expect(oneLine(result)).toContain("unknown option '--frobnicate'");
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad date is exit 2', async () => {
    const { result, files } = await exportInto(
      ['--project-name', 'mock-chat-sft', '--completed-after', 'last tuesday'],
      mockEnv(mock),
    );
    const line = oneLine(result);
    expect(line).toContain('--completed-after');
    expect(line).toContain("'last tuesday' is invalid");
    expect(result.code).toBe(2);
    expect(files).toEqual([]);
  });

  it('an unknown project (404 from the mock) is exit 2 and leaves no files', async () => {
    const { result, files } = await exportInto(
      ['--project-name', 'no-such-project'],
      mockEnv(mock),
    );
    expect(oneLine(result)).toMatch(
      /^scale-tasks: error: getTasks failed with 404: Project not found\./,
    );
    expect(result.code).toBe(2);
    expect(files).toEqual([]);
  });

  it('a missing API key outside demo names the variable, exit 2', async () => {
    const { result, files } = await exportInto(['--project-name', 'mock-chat-sft'], {
      SCALE_BASE_URL: mock.url,
    });
    expect(oneLine(result)).toContain('missing API key: set SCALE_API_KEY');
    expect(result.code).toBe(2);
    expect(files).toEqual([]);
    const claim = await runCli(['claim', '--evaluation-id', 'e'], {
      env: { SGP_BASE_URL: mock.url },
    });
    expect(oneLine(claim)).toContain('missing API key: set SGP_API_KEY');
    expect(claim.code).toBe(2);
  });

  it('an unwritable output path is exit 2', async () => {
    const dir = tempDir();
    const out = join(dir, 'missing-dir', 'tasks.jsonl');
    const result = await runCli(['export', '--project-name', 'mock-chat-sft', '--out', out], {
      env: mockEnv(mock),
    });
    expect(oneLine(result)).toContain(`cannot write to ${join(dir, 'missing-dir')}`);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    // A directory in the way of the partial file.
    mkdirSync(join(dir, 'tasks.jsonl.partial'));
    const blocked = await runCli(
      ['export', '--project-name', 'mock-chat-sft', '--out', join(dir, 'tasks.jsonl')],
      { env: mockEnv(mock) },
    );
    expect(oneLine(blocked)).toContain(`cannot write ${join(dir, 'tasks.jsonl.partial')}`);
    expect(blocked.code).toBe(2);
    expect(existsSync(join(dir, 'tasks.jsonl'))).toBe(false);
  });

  it('a wrong API key is exit 1 and the key is never printed', async () => {
    const key = 'live_sk_do_not_print_me_123';
    const { result, files } = await exportInto(['--project-name', 'mock-chat-sft', '--debug'], {
      SCALE_API_KEY: key,
      SCALE_BASE_URL: mock.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('getTasks failed with 401');
    expect(result.stderr + result.stdout).not.toContain(key);
    expect(files).toEqual([]);
  });

  it('exactly one source is required (exit 2)', async () => {
    const { result } = await exportInto(
      ['--project-name', 'a', '--batch-name', 'b'],
      mockEnv(mock),
    );
    expect(oneLine(result)).toContain(
      'give exactly one of --project-id, --project-name, --batch-id, --batch-name (got --project-name and --batch-name)',
    );
    expect(result.code).toBe(2);
  });
});

describe('validation of each task', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A real server whose second page holds a task that breaks the spec (status "done").
    server = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams;
      const task = (id: string, status: string) => ({
        task_id: id,
        project: 'project_1',
        status,
        created_at: '2025-01-01T00:00:00Z',
      });
      const body = query.get('next_token')
        ? { tasks: [task('task_3', 'done'), task('task_4', 'pending')] }
        : { tasks: [task('task_1', 'pending'), task('task_2', 'completed')], next_token: 'page2' };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('strict: exit 3 with the JSON pointer; the valid pages stay in .partial only', async () => {
    const env = { SCALE_API_KEY: 'k_test', SCALE_BASE_URL: url };
    const { result, out, files } = await exportInto(
      ['--project-id', 'p', '--validate', 'strict'],
      env,
    );
    expect(oneLine(result)).toContain('task task_3 breaks the Task schema at /status');
    expect(result.code).toBe(3);
    expect(existsSync(out)).toBe(false);
    expect(files.sort()).toEqual(['tasks.jsonl.checkpoint.json', 'tasks.jsonl.partial']);
  });

  it('warn: exports everything and reports the count', async () => {
    const env = { SCALE_API_KEY: 'k_test', SCALE_BASE_URL: url };
    const { result, files } = await exportInto(['--project-id', 'p', '--validate', 'warn'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('validation (warn): 4 checked, 1 invalid');
    expect(result.stdout).toContain('task task_3 breaks the Task schema at /status');
    expect(files).toEqual(['tasks.jsonl']);
  });

  it('off: no checks', async () => {
    const env = { SCALE_API_KEY: 'k_test', SCALE_BASE_URL: url };
    const { result } = await exportInto(['--project-id', 'p', '--validate', 'off'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('validation: off');
  });
});
