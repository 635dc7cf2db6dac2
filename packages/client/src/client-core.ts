import type { OperationResult } from '@scale-contracts/validators/scale';
import type { Client } from 'openapi-fetch';
import * as openapiFetch from 'openapi-fetch';
import packageJson from '../package.json' with { type: 'json' };
import { apiErrorFor, ResponseValidationError, ScaleClientError } from './errors.js';
import { createLog, type Log, type Logger, type LogLevel, redactValue } from './logger.js';
import { createRouter } from './routes.js';
import { createTransport, requestIdOf } from './transport.js';

// openapi-fetch's CommonJS build only sets `exports.default`; the bundler's CommonJS interop
// then hands over that exports object as the default, so unwrap it once more when needed.
const createClient = ((openapiFetch.default as unknown as { default?: unknown }).default ??
  openapiFetch.default) as typeof openapiFetch.default;

/** What `validate` does with each response: nothing, log drift once, or throw on drift. */
export type ValidateMode = 'off' | 'warn' | 'strict';

/** Options both clients share. */
export interface ClientOptions {
  /** The API key. Falls back to the API's environment variable; a missing key fails at construction. */
  apiKey?: string;
  /** The API's origin (and path prefix, if any). Defaults to production, or the environment's override. */
  baseUrl?: string;
  /** Timeout of each attempt, in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** Retries after the first attempt, for requests that are safe to repeat (default 2). */
  maxRetries?: number;
  /** Backoff: first delay and cap, in milliseconds (default 500 and 8,000). */
  retryDelayMs?: { base?: number; max?: number };
  /** Response validation against the spec (default `off`). */
  validate?: ValidateMode;
  /** A standard `fetch`, called as `fetch(url or Request, init)` (default `globalThis.fetch`). */
  fetch?: (input: string | Request, init: RequestInit) => Promise<Response>;
  /** Where log lines go (default the console). Secrets are removed before they get there. */
  logger?: Logger;
  /** The least severe level logged (default `warn`). */
  logLevel?: LogLevel;
  /** Appended to the User-Agent, e.g. `my-exporter/1.2`. */
  userAgent?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call options of the resource methods. */
export interface CallOptions {
  /** Aborts the call (an AbortError, never retried). */
  signal?: AbortSignal;
}

type ValidateResponse = (
  operationId: string,
  status: number,
  body: unknown,
  options: { contentType?: string },
) => OperationResult;

export interface CoreSetup {
  options: ClientOptions;
  apiName: string;
  keyVariable: string;
  baseUrlVariables: string[];
  defaultBaseUrl: string;
  credentials: (apiKey: string) => Record<string, string>;
  headers?: Record<string, string>;
  operations: Readonly<Record<string, { readonly method: string; readonly path: string }>>;
  validateResponse: ValidateResponse;
}

const environment = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/** A Client: the typed openapi-fetch client plus `call`, which returns data or throws typed errors. */
export function createCore<Paths extends {}>(setup: CoreSetup) {
  const env = environment();
  const apiKey = setup.options.apiKey ?? env[setup.keyVariable];
  if (!apiKey) {
    throw new ScaleClientError(
      `${setup.apiName}: no API key. Pass { apiKey } or set ${setup.keyVariable} in the environment.`,
    );
  }
  const baseUrl = (
    setup.options.baseUrl ??
    setup.baseUrlVariables.map((name) => env[name]).find(Boolean) ??
    setup.defaultBaseUrl
  ).replace(/\/+$/, '');
  let basePath: string;
  try {
    basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    throw new ScaleClientError(
      `${setup.apiName}: baseUrl ${JSON.stringify(baseUrl)} is not an absolute URL`,
    );
  }
  const secrets = [apiKey, ...Object.values(setup.credentials(apiKey))];
  const log: Log = createLog(setup.options.logger, setup.options.logLevel ?? 'warn', secrets);
  const fetchImpl =
    setup.options.fetch ??
    ((input: string | Request, init: RequestInit) => globalThis.fetch(input, init));
  const userAgent = [`scale-contracts-client/${packageJson.version}`, setup.options.userAgent]
    .filter(Boolean)
    .join(' ');
  const transport = createTransport({
    fetch: fetchImpl,
    timeoutMs: setup.options.timeoutMs ?? 60_000,
    maxRetries: setup.options.maxRetries ?? 2,
    baseDelayMs: setup.options.retryDelayMs?.base ?? 500,
    maxDelayMs: setup.options.retryDelayMs?.max ?? 8_000,
    route: createRouter(setup.operations),
    basePath,
    log,
    secrets,
  });
  // Credentials and the user agent ride on every Request openapi-fetch builds; the transport
  // takes them off when a redirect leaves the API's origin.
  const raw: Client<Paths> = createClient<Paths>({
    baseUrl,
    fetch: transport,
    headers: {
      'user-agent': userAgent,
      ...setup.headers,
      ...setup.options.headers,
      ...setup.credentials(apiKey),
    },
  });
  const mode = setup.options.validate ?? 'off';
  const warned = new Set<string>();

  /**
   * Awaits an openapi-fetch call: a non-success status becomes its typed error (body redacted),
   * a success is validated as `validate` says and its data returned. `accept` names statuses
   * beyond 2xx that are this operation's answer (a 302 whose Location is the result).
   */
  async function call<Data>(
    operationId: string,
    pending: Promise<{ data?: Data; error?: unknown; response: Response }>,
    settings: { accept?: readonly number[] } = {},
  ): Promise<Data> {
    const { data, error, response } = await pending;
    // Built only when something went wrong: a success in `off` mode does no extra work.
    const contextOf = () => ({
      operationId,
      method: setup.operations[operationId]?.method,
      requestId: requestIdOf(response.headers),
    });
    if (!response.ok && !settings.accept?.includes(response.status)) {
      throw apiErrorFor(
        response.status,
        redactValue(error, secrets),
        response.headers,
        contextOf(),
      );
    }
    if (mode !== 'off') {
      const result = setup.validateResponse(operationId, response.status, data ?? null, {
        contentType: response.headers.get('content-type') ?? 'application/json',
      });
      if (!result.valid) {
        const context = contextOf();
        if (mode === 'strict') {
          throw new ResponseValidationError(result.issues, response.status, context);
        }
        for (const issue of result.issues) {
          const key = `${operationId} ${issue.path} ${issue.keyword}`;
          if (!warned.has(key)) {
            warned.add(key);
            log.warn(
              `${operationId} ${response.status} response breaks the spec at ${issue.path || '/'}: ${issue.message}`,
              {
                operationId,
                path: issue.path,
                keyword: issue.keyword,
                requestId: context.requestId,
              },
            );
          }
        }
      }
    }
    return data as Data;
  }

  return { raw, call, log, baseUrl };
}
