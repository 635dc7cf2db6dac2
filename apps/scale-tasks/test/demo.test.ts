import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer } from '@scale-contracts/mock-server';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

describe('scale-tasks demo', () => {
  it('runs the tour on the embedded mock with no key and says where the files are', async () => {
    const dir = join(tempDir(), 'demo');
    const result = await runCli(['demo', '--dir', dir, '--size', '600']);
    expect(result.code, result.stderr).toBe(0);
    const out = join(dir, 'mock-chat-sft.jsonl');
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(dir, 'mock-chat-sft.stats.json'))).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(result.stdout).toContain(`demo: files are in ${dir}:`);
    expect(result.stdout).toMatch(/^exported \d+ tasks in \d+ pages/m);
    expect(result.stdout).toMatch(/^status +tasks +share$/m);
    expect(result.stdout).toMatch(/^claimed task /m);
    expect(result.stdout).toMatch(/^assigned task .*reviewer@example\.com/m);
    expect(result.stdout).toContain('SCALE_API_KEY=... scale-tasks export --project-name');
    const lines = readFileSync(out, 'utf8').split('\n').length - 1;
    const stats = JSON.parse(readFileSync(join(dir, 'mock-chat-sft.stats.json'), 'utf8')) as {
      tasks: number;
    };
    expect(stats.tasks).toBe(lines);
  }, 60_000);

  it("the README's first command path: node dist/cli.js demo --dir <tmp>", async () => {
    const dir = join(tempDir(), 'scale-tasks-demo');
    const result = await runCli(['demo', '--dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(seed 42, 2,000 v2 tasks)');
    expect(result.stdout).toContain(`demo: files are in ${dir}:`);
    expect(existsSync(join(dir, 'mock-chat-sft.jsonl'))).toBe(true);
  }, 60_000);
});

describe('configuration and help', () => {
  it('reads ./.env, and the environment wins over it', async () => {
    const mock = await startMockServer({ seed: 9, size: 100 });
    try {
      const dir = tempDir();
      writeFileSync(
        join(dir, '.env'),
        `SCALE_API_KEY=${mock.apiKeys.scale}\nSCALE_BASE_URL=http://127.0.0.1:1\n`,
      );
      const result = await runCli(
        ['export', '--project-name', 'mock-chat-sft', '--out', 'tasks.jsonl', '--quiet'],
        { cwd: dir, env: { SCALE_BASE_URL: mock.url } },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(dir, 'tasks.jsonl'))).toBe(true);
      expect(result.stdout).not.toContain(mock.apiKeys.scale);
      // The flag wins over both.
      const flagged = await runCli(
        [
          'export',
          '--project-name',
          'mock-chat-sft',
          '--out',
          'b.jsonl',
          '--base-url',
          'http://127.0.0.1:1',
          '--max-retries',
          '0',
        ],
        { cwd: dir, env: { SCALE_BASE_URL: mock.url } },
      );
      expect(flagged.code).toBe(1);
      expect(flagged.stderr).toContain('getTasks failed to connect');
    } finally {
      await mock.close();
    }
  });

  it.each(['export', 'delivery', 'stats', 'claim', 'assign', 'batch-assign', 'demo'])(
    '%s --help exits 0',
    async (command) => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: scale-tasks ${command} `));
    },
  );

  it('--help lists the commands and the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 API or runtime failure, 2 bad usage');
    for (const command of [
      'export',
      'delivery',
      'stats',
      'claim',
      'assign',
      'batch-assign',
      'demo',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });
});
