import { describe, expect, it } from 'vitest';
import { serve, walk } from './support.js';

describe('a 100,000-task mock', () => {
  it('pages through GET /v2/tasks completely (limit 100) with no duplicates or gaps', async () => {
    const server = await serve({ size: 100_000 });
    const ids: string[] = [];
    let pages = 0;
    // Every task is in exactly one project, so the three project listings cover the whole set.
    for (const project of server.fixtures.projectIds) {
      const listing = await walk(server, '/v2/tasks', { project_id: project, limit: 100 }, (body) =>
        (body.tasks as { task_id: string }[]).map((task) => task.task_id),
      );
      ids.push(...listing.items);
      pages += listing.pages;
      expect(listing.pages).toBe(Math.ceil(listing.items.length / 100));
    }
    expect(ids).toHaveLength(100_000);
    const unique = new Set(ids);
    expect(unique.size).toBe(100_000);
    // No gaps: the ids are exactly the ids of task indices 0..99,999, in the order of each listing.
    const { V2Store } = await import('../src/v2.js');
    const { World } = await import('../src/world.js');
    const store = new V2Store(new World(1), 1, 100_000);
    const expected = new Set(Array.from({ length: 100_000 }, (_, i) => store.idOf(i)));
    expect(unique).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(1000);
    expect(server.violations).toEqual([]);
    // About 200 MB of JSON each way: generous room for a loaded 2-core CI machine.
  }, 180_000);
});
