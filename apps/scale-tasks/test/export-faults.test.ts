import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScaleClient } from '@scale-contracts/client';
import { startMockServer } from '@scale-contracts/mock-server';
import { describe, expect, it } from 'vitest';
import { jsonLines, mockEnv, runCli, tempDir } from './support/cli.js';

describe('export under injected faults', () => {
  it('writes each of 10,000 tasks exactly once through 429s, 503s and connection resets', async () => {
    // 30,000 tasks over 3 projects: about 10,000 in the first.
    const options = { seed: 7, size: 30_000 };
    const faulty = await startMockServer({
      ...options,
      faults: { rate429: 0.05, retryAfterMs: 5, rate503: 0.05, resetRate: 0.03 },
    });
    const clean = await startMockServer(options);
    try {
      const project = faulty.fixtures.projectNames[0] as string;
      const client = createScaleClient({ apiKey: clean.apiKeys.scale, baseUrl: clean.url });
      const expected: string[] = [];
      for await (const page of client.tasks.list({ project_name: project, limit: 100 }).pages()) {
        for (const task of page.tasks) {
          expected.push(task.task_id);
        }
      }
      expect(expected.length).toBeGreaterThanOrEqual(9_500);

      const dir = tempDir();
      const out = join(dir, 'tasks.jsonl');
      const result = await runCli(
        ['export', '--project-name', project, '--out', out, '--max-retries', '8', '--quiet'],
        { env: mockEnv(faulty) },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const text = readFileSync(out, 'utf8');
      const ids = jsonLines(text).map((task) => task.task_id as string);
      expect(text.split('\n').length - 1).toBe(expected.length);
      expect(ids.length).toBe(expected.length);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(expected));
      expect(result.stdout).toContain(`exported ${expected.length.toLocaleString('en-US')} tasks`);
      expect(faulty.violations).toEqual([]);
    } finally {
      await faulty.close();
      await clean.close();
    }
  }, 120_000);
});
