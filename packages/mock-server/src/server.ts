import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import { type Context, Hono } from 'hono';
import { callerOf, keysMatch, scaleKeyOf } from './auth.js';
import { HttpError } from './errors.js';
import { createFaultPlanner, type FaultKind, type FaultOptions } from './faults.js';
import { Pager } from './paging.js';
import { coerceQuery } from './query.js';
import { SgpStore, sgpHandlers } from './sgp.js';
import type { Handler, MockRequest, Reply } from './types.js';
import { V1Store, v1Handlers } from './v1.js';
import { V2Store, v2Handlers } from './v2.js';
import { World } from './world.js';

export type { FaultOptions } from './faults.js';

/** Options of `startMockServer`. */
export interface MockServerOptions {
  /** Port to listen on (default 0: the OS picks a free one). */
  port?: number;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /** Seed of the data and of the faults (default 1): the same seed gives the same data and faults. */
  seed?: number;
  /** Number of v2 tasks (default 1000); as many v1 tasks; SGP: 3 evaluations of size/10 tasks (at least 5). */
  size?: number;
  /** Shares of responses replaced by faults, decided by the seed (off by default). */
  faults?: FaultOptions;
  /** The keys the mock accepts (defaults `test_mock_scale_key` and `test_mock_sgp_key`). */
  apiKeys?: { scale?: string; sgp?: string };
  /** Test mode: check every response against the spec before sending it (default true). */
  validateResponses?: boolean;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/** A response that broke the spec in test mode (it was answered 500 instead). */
export interface Violation {
  operationId: string;
  status: number;
  issues: { path: string; keyword: string; message: string }[];
}

/** A running mock server. */
export interface MockServer {
  /** Its base URL, e.g. `http://127.0.0.1:54321`, for both APIs. */
  url: string;
  /** The keys it accepts. */
  apiKeys: { scale: string; sgp: string };
  /** Ids a client can start from (the SGP API has no list endpoint). */
  fixtures: {
    projectIds: string[];
    projectNames: string[];
    batchIds: string[];
    deliveryIds: string[];
    evaluationIds: string[];
    /** The first 20 v1 task ids (list the rest with `GET /v1/tasks`). */
    v1TaskIds: string[];
  };
  /** Responses that broke the spec in test mode (each was answered 500). */
  violations: Violation[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Hooks for this package's own tests; not part of the public API. */
export interface InternalOptions extends MockServerOptions {
  /** Changes a handler's reply before test mode checks it (to prove violations are caught). */
  tamper?: (operationId: string, reply: Reply) => Reply;
}

type Api = 'scale' | 'sgp';
type Validators = typeof scale | typeof sgp;
interface OperationSchemas {
  method: string;
  path: string;
  request: { query?: unknown; body?: unknown };
}

const JSON_TYPE = 'application/json';
const DEFAULT_KEYS = { scale: 'test_mock_scale_key', sgp: 'test_mock_sgp_key' };
const UNAUTHORIZED = {
  scale: 'Unauthorized. Please provide a valid API key.',
  sgp: 'Invalid API key.',
};

/** The error body each API documents: Scale `{status_code, error}`, SGP `{detail}`. */
function errorReply(
  api: Api,
  status: number,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return {
    status,
    body: api === 'scale' ? { status_code: status, error: message } : { detail: message },
    ...(headers ? { headers } : {}),
  };
}

/** SGP's FastAPI 422 `loc`: the request part, then the pointer's segments (indices as numbers). */
function locOf(pointer: string): (string | number)[] {
  const [part = 'body', ...rest] = pointer.split('/').slice(1);
  return [
    part === 'headers' ? 'header' : part,
    ...rest.map((segment) =>
      /^\d+$/.test(segment) ? Number(segment) : segment.replace(/~1/g, '/').replace(/~0/g, '~'),
    ),
  ];
}

const pydanticType = (keyword: string) =>
  ({
    required: 'missing',
    type: 'type_error',
    minLength: 'string_too_short',
    minItems: 'too_short',
    enum: 'enum',
    format: 'format',
  })[keyword] ?? keyword;

function invalidRequest(
  api: Api,
  issues: { path: string; keyword: string; message: string }[],
): Reply {
  if (api === 'scale') {
    return errorReply(
      api,
      400,
      issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; '),
    );
  }
  return {
    status: 422,
    body: {
      detail: issues.map((issue) => ({
        loc: locOf(issue.path),
        msg: issue.message,
        type: pydanticType(issue.keyword),
      })),
    },
  };
}

/** Starts the mock (see `startMockServer`), with this package's internal test hooks. */
export async function startMockServerWith(options: InternalOptions = {}): Promise<MockServer> {
  const seed = options.seed ?? 1;
  const size = options.size ?? 1000;
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed > 2 ** 32 - 1) {
    throw new RangeError(
      `seed must be an integer from -2147483648 to 4294967295 (32 bits), got ${String(seed)}`,
    );
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`size must be an integer of at least 0, got ${String(size)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const host = options.host ?? '127.0.0.1';
  const keys = {
    scale: options.apiKeys?.scale ?? DEFAULT_KEYS.scale,
    sgp: options.apiKeys?.sgp ?? DEFAULT_KEYS.sgp,
  };
  for (const [api, key] of Object.entries(keys)) {
    if (key === '' || /\s/.test(key)) {
      throw new RangeError(`apiKeys.${api} must be a non-empty string without spaces`);
    }
  }
  const faults = options.faults ?? {};
  const plan = createFaultPlanner(seed, faults);
  const now = options.now ?? Date.now;
  const testMode = options.validateResponses ?? true;
  const caller = callerOf(keys.sgp);

  const world = new World(seed);
  const v2 = new V2Store(world, seed, size);
  const v1 = new V1Store(world, seed, size);
  const sgpStore = new SgpStore(seed, Math.max(5, Math.round(size / 10)));
  const pager = new Pager();
  const handlers: Record<string, Handler> = {
    ...v2Handlers(v2, pager, now),
    ...v1Handlers(v1, pager, now),
    ...sgpHandlers(sgpStore, now),
  };
  const violations: Violation[] = [];

  /** Test mode: the reply if the spec allows it, else a recorded violation answered 500. */
  const checked = (api: Api, validators: Validators, operationId: string, reply: Reply): Reply => {
    if (!testMode) {
      return reply;
    }
    // The value itself is checked, which is at least as strict as checking its JSON: replies
    // hold only JSON values, and an `undefined` or NaN (which JSON would drop or turn into
    // null) fails the check instead of slipping through.
    const result = validators.validateResponse(
      operationId as never,
      reply.status,
      reply.validateAs ?? reply.body,
      {
        contentType: JSON_TYPE,
      },
    );
    if (result.valid) {
      return reply;
    }
    violations.push({ operationId, status: reply.status, issues: result.issues });
    const shown = result.issues
      .slice(0, 5)
      .map((issue) => `${issue.path || '/'} ${issue.message}`)
      .join('; ');
    const message = `mock response broke the spec: ${operationId} ${reply.status}: ${shown}`;
    return {
      status: 500,
      body: { status_code: 500, error: message, ...(api === 'sgp' ? { detail: message } : {}) },
    };
  };

  const faultReply = (api: Api, kind: FaultKind): Reply => {
    if (kind === '429') {
      return errorReply(api, 429, 'Too many requests.', {
        'retry-after': String(faults.retryAfterSeconds ?? 1),
        ...(faults.retryAfterMs === undefined
          ? {}
          : { 'retry-after-ms': String(faults.retryAfterMs) }),
      });
    }
    if (kind === '503' && api === 'scale') {
      return errorReply(api, 503, 'Service unavailable.');
    }
    return errorReply(api, 500, 'Internal server error.');
  };

  /** Auth, request parsing and validation, the handler, and test mode. */
  const run = async (
    c: Context<{ Bindings: HttpBindings }>,
    api: Api,
    validators: Validators,
    operationId: string,
    operation: OperationSchemas,
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const authorized =
      api === 'scale'
        ? keysMatch(scaleKeyOf(headers.authorization), keys.scale)
        : keysMatch(headers['x-api-key'], keys.sgp);
    if (!authorized) {
      return errorReply(api, 401, UNAUTHORIZED[api]);
    }
    const query = coerceQuery(operation.request.query as never, new URL(c.req.url).searchParams);
    let body: unknown;
    if (operation.request.body) {
      const text = await c.req.text();
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          return api === 'scale'
            ? errorReply(api, 400, '/body: not valid JSON')
            : {
                status: 422,
                body: {
                  detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }],
                },
              };
        }
      }
    }
    const request: MockRequest = {
      path: c.req.param() as Record<string, string>,
      query,
      headers,
      body,
      caller,
    };
    const validation = validators.validateRequest(operationId as never, {
      path: request.path,
      query,
      headers,
      body,
      ...(body === undefined || headers['content-type'] === undefined
        ? {}
        : { contentType: headers['content-type'] }),
    });
    if (!validation.valid) {
      return invalidRequest(api, validation.issues);
    }
    let reply: Reply;
    try {
      reply = (handlers[operationId] as Handler)(request);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        throw error;
      }
      reply = errorReply(api, error.status, error.message);
    }
    if (options.tamper) {
      reply = options.tamper(operationId, reply);
    }
    return checked(api, validators, operationId, reply);
  };

  const app = new Hono<{ Bindings: HttpBindings }>();
  let sequence = 0;
  /** Latency faults waiting to answer; `close()` ends them early. */
  const sleeping = new Map<ReturnType<typeof setTimeout>, () => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleeping.delete(timer);
        resolve();
      }, ms);
      sleeping.set(timer, resolve);
    });

  const register = (api: Api, validators: Validators) => {
    const operations = Object.entries(validators.operations as Record<string, OperationSchemas>)
      // Concrete paths before templated ones (OpenAPI path matching): batch-assign first.
      .sort(
        ([, a], [, b]) => (a.path.match(/\{/g) ?? []).length - (b.path.match(/\{/g) ?? []).length,
      );
    for (const [operationId, operation] of operations) {
      const path = operation.path.replace(/\{([^}]+)\}/g, ':$1');
      app.on(operation.method, path, async (c) => {
        const fault = plan(sequence);
        sequence += 1;
        let reply: Reply;
        if (fault.kind === '429' || fault.kind === '503') {
          // Refused before any work, as a gateway would: the request had no effect.
          reply = checked(api, validators, operationId, faultReply(api, fault.kind));
        } else {
          reply = await run(c, api, validators, operationId, operation);
          if (fault.kind === '500') {
            // The work was done; only the answer is lost (why creations carry a unique_id).
            reply = checked(api, validators, operationId, faultReply(api, '500'));
          }
        }
        if (fault.delayMs > 0) {
          await sleep(fault.delayMs);
        }
        const { incoming, outgoing } = c.env;
        if (fault.kind === 'reset') {
          incoming.socket.destroy();
          return RESPONSE_ALREADY_SENT;
        }
        // A body of undefined is no body at all (a redirect), so no content type either.
        const empty = reply.body === undefined;
        const text = empty ? '' : (JSON.stringify(reply.body) ?? 'null');
        const headers = { ...(empty ? {} : { 'content-type': JSON_TYPE }), ...reply.headers };
        if (fault.kind === 'truncate') {
          const bytes = Buffer.from(text, 'utf8');
          const cut = Math.min(
            bytes.length - 1,
            Math.max(1, Math.floor(bytes.length * fault.cutAt)),
          );
          outgoing.writeHead(reply.status, { ...headers, 'content-length': String(bytes.length) });
          outgoing.write(bytes.subarray(0, Math.max(0, cut)), () => {
            outgoing.socket?.destroy();
          });
          return RESPONSE_ALREADY_SENT;
        }
        return empty
          ? c.body(null, reply.status as never, headers)
          : c.body(text, reply.status as never, headers);
      });
    }
  };
  register('scale', scale);
  register('sgp', sgp);

  const apiOf = (path: string): Api => (path.startsWith('/v4/') ? 'sgp' : 'scale');
  app.notFound((c) => {
    const api = apiOf(c.req.path);
    const reply = errorReply(api, 404, `No operation ${c.req.method} ${c.req.path} in the spec.`);
    return c.json(reply.body as never, 404);
  });
  app.onError((error, c) => {
    const api = apiOf(c.req.path);
    const reply = errorReply(api, 500, `mock server error: ${error.message}`);
    return c.json(reply.body as never, 500);
  });

  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${hostInUrl}:${address.port}`,
    apiKeys: { ...keys },
    fixtures: {
      projectIds: world.projects.map((project) => project.id),
      projectNames: world.projects.map((project) => project.name),
      batchIds: world.batches.map((batch) => batch.id),
      deliveryIds: world.deliveries.map((delivery) => delivery.id),
      evaluationIds: sgpStore.evaluations.map((evaluation) => evaluation.id),
      v1TaskIds: Array.from({ length: Math.min(20, v1.count) }, (_, i) => v1.idOf(i)),
    },
    violations,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const [timer, wake] of sleeping) {
          clearTimeout(timer);
          wake();
        }
        sleeping.clear();
        (server as import('node:http').Server).closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}
