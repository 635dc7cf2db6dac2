import { createScaleClient, createSgpClient } from '@scale-contracts/client';
import { afterEach } from 'vitest';
import type { MockServer } from '../src/index.js';
import { type InternalOptions, startMockServerWith } from '../src/server.js';

const running: MockServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A mock on 127.0.0.1, port 0, closed after the test. Small by default, to keep tests quick. */
export async function serve(options: InternalOptions = {}): Promise<MockServer> {
  const server = await startMockServerWith({ size: 200, ...options });
  running.push(server);
  return server;
}

/** Strict clients against a mock: every response is also checked by the client. */
export function clients(
  server: MockServer,
  options: { maxRetries?: number; timeoutMs?: number } = {},
) {
  const common = {
    baseUrl: server.url,
    validate: 'strict' as const,
    logLevel: 'off' as const,
    retryDelayMs: { base: 1, max: 5 },
    ...options,
  };
  return {
    scale: createScaleClient({ apiKey: server.apiKeys.scale, ...common }),
    sgp: createSgpClient({ apiKey: server.apiKeys.sgp, ...common }),
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Raw fetch with the Scale key (Bearer); `init.headers` can override it. */
export async function scaleFetch(
  server: MockServer,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string | undefined> } = {},
): Promise<Answer> {
  return send(server, path, init, { authorization: `Bearer ${server.apiKeys.scale}` });
}

/** Raw fetch with the SGP key. */
export async function sgpFetch(
  server: MockServer,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string | undefined> } = {},
): Promise<Answer> {
  return send(server, path, init, { 'x-api-key': server.apiKeys.sgp });
}

async function send(
  server: MockServer,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string | undefined> },
  auth: Record<string, string>,
): Promise<Answer> {
  // A header given as undefined is left out.
  const headers = Object.entries({
    ...auth,
    ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...init.headers,
  }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const response = await fetch(new URL(path, server.url), {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** A query string from a record (arrays as repeated keys). */
export function qs(
  query: Record<string, string | number | boolean | readonly string[] | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) {
        params.append(key, item);
      }
    } else if (value !== undefined) {
      params.append(key, String(value));
    }
  }
  return params.toString();
}

/** Every page of a v2 listing over raw fetch; returns the items and the number of pages. */
export async function walk<Item>(
  server: MockServer,
  path: string,
  query: Record<string, string | number | string[] | undefined>,
  itemsOf: (body: Record<string, unknown>) => Item[],
): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const answer = await scaleFetch(server, `${path}?${qs({ ...query, next_token: token })}`);
    if (answer.status !== 200) {
      throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const body = answer.body as Record<string, unknown>;
    items.push(...itemsOf(body));
    pages += 1;
    token = (body.next_token as string | undefined) ?? undefined;
  } while (token);
  return { items, pages };
}
