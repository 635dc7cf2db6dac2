import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScaleClient } from '@scale-contracts/client';
import { startMockServer } from '@scale-contracts/mock-server';
import { describe, expect, it } from 'vitest';
import { jsonLines, mockEnv, runCli, tempDir } from './support/cli.js';

describe('scale-tasks delivery', () => {
  it('exports the tasks of a delivery, by id and by name with a project', async () => {
    const mock = await startMockServer({ seed: 13, size: 1_500 });
    try {
      const client = createScaleClient({ apiKey: mock.apiKeys.scale, baseUrl: mock.url });
      const project = mock.fixtures.projectNames[0] as string;
      const [delivery] = await client.deliveries.list({ project_name: project });
      expect(delivery).toBeDefined();
      const expected = (
        await client.deliveries.tasks({ delivery_id: delivery?.id as string }).toArray()
      ).map((task) => task.task_id);
      expect(expected.length).toBeGreaterThan(0);
      const dir = tempDir();
      const byId = await runCli(
        [
          'delivery',
          '--delivery-id',
          delivery?.id as string,
          '--out',
          join(dir, 'a.jsonl'),
          '--limit',
          '25',
        ],
        { env: mockEnv(mock) },
      );
      expect(byId.code, byId.stderr).toBe(0);
      expect(jsonLines(readFileSync(join(dir, 'a.jsonl'), 'utf8')).map((t) => t.task_id)).toEqual(
        expected,
      );
      const byName = await runCli(
        [
          'delivery',
          '--delivery-name',
          delivery?.name as string,
          '--project-name',
          project,
          '--out',
          join(dir, 'b.jsonl'),
          '--limit',
          '25',
        ],
        { env: mockEnv(mock) },
      );
      expect(byName.code, byName.stderr).toBe(0);
      expect(readFileSync(join(dir, 'b.jsonl')).equals(readFileSync(join(dir, 'a.jsonl')))).toBe(
        true,
      );
      const noProject = await runCli(['delivery', '--delivery-name', 'x'], { env: mockEnv(mock) });
      expect(noProject.code).toBe(2);
      expect(noProject.stderr).toContain('give exactly one of --project-id, --project-name');
    } finally {
      await mock.close();
    }
  });
});
