import {
  ConflictError,
  ConnectionError,
  InternalServerError,
  RateLimitError,
  TimeoutError,
} from '@scale-contracts/client';
import type { Task } from '@scale-contracts/validators/scale';
import { describe, expect, it } from 'vitest';
import { createFaultPlanner, type FaultOptions } from '../src/faults.js';
import type { MockServer } from '../src/index.js';
import { clients, qs, scaleFetch, serve, sgpFetch, walk } from './support.js';

const projectsPath = '/v2/projects';

/** What one raw request got: its status, or how the connection failed. */
async function outcome(server: MockServer, path = projectsPath): Promise<string> {
  try {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.apiKeys.scale}` },
    });
    try {
      await response.text();
    } catch {
      return 'truncate';
    }
    return String(response.status);
  } catch {
    return 'reset';
  }
}

describe('each fault, visible without retries', () => {
  it.each([
    [
      'rate429',
      { rate429: 1 },
      429,
      'Too many requests.',
      { 'retry-after': '1', 'retry-after-ms': null },
    ],
    [
      'rate429 with retryAfterMs',
      { rate429: 1, retryAfterSeconds: 2, retryAfterMs: 5 },
      429,
      'Too many requests.',
      { 'retry-after': '2', 'retry-after-ms': '5' },
    ],
    ['rate500', { rate500: 1 }, 500, 'Internal server error.', {}],
    ['rate503', { rate503: 1 }, 503, 'Service unavailable.', {}],
  ] as const)(
    '%s: the documented status and body',
    async (_name, faults, status, error, headers) => {
      const server = await serve({ faults });
      const answer = await scaleFetch(server, projectsPath);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ status_code: status, error });
      for (const [name, value] of Object.entries(headers)) {
        expect(answer.headers.get(name)).toBe(value);
      }
      const { scale } = clients(server, { maxRetries: 0 });
      const thrown = await scale.projects.list().catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(status === 429 ? RateLimitError : InternalServerError);
      expect(server.violations).toEqual([]);
    },
  );

  it.each([
    ['rate429', { rate429: 1 }, 429, { detail: 'Too many requests.' }],
    ['rate500', { rate500: 1 }, 500, { detail: 'Internal server error.' }],
    [
      'rate503 (SGP documents no 503: answered 500)',
      { rate503: 1 },
      500,
      { detail: 'Internal server error.' },
    ],
  ] as const)('SGP %s: %s in FastAPI shape', async (_name, faults, status, body) => {
    const server = await serve({ faults });
    const answer = await sgpFetch(
      server,
      `/v4/evaluations/${server.fixtures.evaluationIds[0]}/claim-task`,
      { method: 'POST' },
    );
    expect(answer).toMatchObject({ status, body });
    expect(server.violations).toEqual([]);
  });

  it('resetRate: the connection is destroyed without an answer', async () => {
    const server = await serve({ faults: { resetRate: 1 } });
    expect(await outcome(server)).toBe('reset');
    const { scale } = clients(server, { maxRetries: 0 });
    await expect(scale.projects.list()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('truncateRate: the headers and part of the body arrive, then the connection is cut', async () => {
    const server = await serve({ faults: { truncateRate: 1 } });
    const response = await fetch(`${server.url}${projectsPath}`, {
      headers: { authorization: `Bearer ${server.apiKeys.scale}` },
    });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(response.text()).rejects.toThrow();
    const { scale } = clients(server, { maxRetries: 0 });
    await expect(scale.projects.list()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("latencyMs: an answer slower than the client's timeout is a TimeoutError", async () => {
    const server = await serve({ faults: { latencyMs: 3_000 } });
    const thrown = await createTimeoutClient(server)
      .projects.list()
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TimeoutError);
  });
});

/** A client that gives up an attempt after 250 ms (latency faults here are 3 s or 1 s). */
function createTimeoutClient(server: MockServer, maxRetries = 0) {
  return clients(server, { maxRetries, timeoutMs: 250 }).scale;
}

describe("faults are survived with the client's retries", () => {
  it('walks every task of a project through 429, 500, 503, resets and truncation', async () => {
    const faults: FaultOptions = {
      rate429: 0.1,
      retryAfterMs: 1,
      rate500: 0.1,
      rate503: 0.1,
      resetRate: 0.1,
      truncateRate: 0.1,
    };
    const clean = await serve({ seed: 3 });
    const faulty = await serve({ seed: 3, faults });
    const project = clean.fixtures.projectIds[0] as string;
    const expected = await walk(
      clean,
      '/v2/tasks',
      { project_id: project, limit: 10 },
      (body) => body.tasks as Task[],
    );
    const { scale } = clients(faulty, { maxRetries: 10 });
    const got = await scale.tasks.list({ project_id: project, limit: 10 }).toArray();
    expect(got).toEqual(expected.items);
    expect(faulty.violations).toEqual([]);
  });

  it('gets through added latency by timing out and retrying', async () => {
    const server = await serve({ faults: { latencyMs: 1_000, latencyRate: 0.3 } });
    const tasks = await createTimeoutClient(server, 10)
      .tasks.list({ batch_id: server.fixtures.batchIds[0] as string, limit: 5 })
      .toArray();
    expect(tasks.length).toBeGreaterThan(5);
  });

  it('a 500 after the work was done: the retried creation with a unique_id answers 409, and the task exists', async () => {
    // The first seed whose request 0 gets a 500 and request 1 none.
    const faults = { rate500: 0.5 };
    let seed = 1;
    while (
      createFaultPlanner(seed, faults)(0).kind !== '500' ||
      createFaultPlanner(seed, faults)(1).kind !== 'none'
    ) {
      seed += 1;
    }
    const server = await serve({ seed, faults });
    const { scale } = clients(server, { maxRetries: 2 });
    const error = await scale.v1.tasks
      .create('categorization', {
        project: 'mock-chat-sft',
        categories: ['big', 'small'],
        unique_id: 'retried-once',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const answer = await (async () => {
      for (;;) {
        const found = await scaleFetch(server, `/v1/tasks?${qs({ unique_id: 'retried-once' })}`);
        if (found.status === 200) {
          return found.body as { docs: { unique_id?: string; status: string }[] };
        }
      }
    })();
    expect(answer.docs).toMatchObject([{ unique_id: 'retried-once', status: 'pending' }]);
  });
});

describe('fault sequences are seeded', () => {
  it('the same seed gives the same sequence of faults; another seed another', async () => {
    const faults: FaultOptions = {
      rate429: 0.15,
      rate500: 0.15,
      rate503: 0.15,
      resetRate: 0.15,
      truncateRate: 0.15,
    };
    const sequence = async (seed: number) => {
      const server = await serve({ seed, faults, size: 10 });
      const seen: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        seen.push(await outcome(server));
      }
      return seen;
    };
    const first = await sequence(11);
    const again = await sequence(11);
    const other = await sequence(12);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200', '429', '500', '503', 'reset', 'truncate']));
    const planned = Array.from({ length: 40 }, (_, i) => createFaultPlanner(11, faults)(i).kind);
    expect(first).toEqual(planned.map((kind) => (kind === 'none' ? '200' : kind)));
  });
});
