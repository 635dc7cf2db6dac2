import { AbortError, ConnectionError, ScaleClientError, TimeoutError } from './errors.js';
import { type Log, redactHeaders, redactText } from './logger.js';
import { mayRetry } from './retry-policy.js';
import type { Route } from './routes.js';

/** A standard `fetch`: called as `fetch(url, init)`. */
export type FetchFunction = (input: string | Request, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch: FetchFunction;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff delay; doubles each retry up to `maxDelayMs`, minus up to 25 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  route: (method: string, pathname: string) => Route | undefined;
  /** The base URL's path, stripped before routing. */
  basePath: string;
  log: Log;
  secrets: readonly string[];
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;
const redirectStatus = new Set([301, 302, 303, 307, 308]);
const noBodyStatus = new Set([101, 204, 205, 304]);
/** Headers dropped when a redirect leaves the API's origin. */
const credentialHeaders = [
  'authorization',
  'x-api-key',
  'x-selected-account-id',
  'cookie',
  'proxy-authorization',
];
const requestIdHeaders = ['x-request-id', 'request-id', 'x-scale-request-id', 'x-amzn-requestid'];
/** How many retries came before each response the transport returned (absent: none). */
const retriesByResponse = new WeakMap<Response, number>();

/**
 * How many retries preceded this response (0 when the first attempt answered). A 409 or 400
 * after a retry may be the echo of an earlier attempt that the server did carry out.
 */
export function retriesOf(response: Response): number {
  return retriesByResponse.get(response) ?? 0;
}

/** The server's request id, from whichever header carries it. */
export function requestIdOf(headers: Headers): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name);
    if (value) {
      return value;
    }
  }
  return undefined;
}

/** Delay the server asked for: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return Number(ms);
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return seconds * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A `fetch` for openapi-fetch that sits beneath its middleware: each attempt is a fresh Request
 * with a fresh body, its own timeout combined with the caller's signal, manual redirects that
 * keep credentials on the API's origin, and retries with backoff for the requests the retry
 * policy allows. The response body is read within the attempt, so a stalled or cut-short body
 * is a timeout or a connection error (and retried), never a half-parsed success.
 */
export function createTransport(options: TransportOptions) {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const backoff = (retry: number) =>
    Math.min(options.baseDelayMs * 2 ** retry, options.maxDelayMs) * (1 - random() * 0.25);

  return async function transport(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const pathname = url.pathname.startsWith(options.basePath)
      ? url.pathname.slice(options.basePath.length) || '/'
      : url.pathname;
    const route = options.route(method, pathname);
    const label = route?.operationId ?? `${method} ${pathname}`;
    const callerSignal = request.signal;
    const body = request.body ? await request.arrayBuffer() : undefined;
    let parsedBody: unknown;
    if (body && (request.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsedBody = JSON.parse(new TextDecoder().decode(body));
      } catch {
        parsedBody = undefined;
      }
    }
    const retries = mayRetry(route?.operationId, method, parsedBody) ? options.maxRetries : 0;
    const context = {
      operationId: route?.operationId,
      method,
      url: redactText(url.toString(), options.secrets),
    };

    for (let attempt = 0; ; attempt += 1) {
      // One controller per attempt, aborted by its own timer or by the caller's signal
      // (cheaper than AbortSignal.timeout + AbortSignal.any on every request).
      const controller = new AbortController();
      const signal = controller.signal;
      const timeout = { aborted: false };
      const timer = setTimeout(() => {
        timeout.aborted = true;
        controller.abort(
          new DOMException(`timed out after ${options.timeoutMs} ms`, 'TimeoutError'),
        );
      }, options.timeoutMs);
      const onCallerAbort = () => controller.abort(callerSignal.reason);
      if (callerSignal.aborted) {
        onCallerAbort();
      } else {
        callerSignal.addEventListener('abort', onCallerAbort, { once: true });
      }
      const settle = () => {
        clearTimeout(timer);
        callerSignal.removeEventListener('abort', onCallerAbort);
      };
      const started = Date.now();
      // The first attempt sends openapi-fetch's Request as it is (credentials are among its
      // headers); a retry rebuilds it from the buffered body, with its retry count.
      const headers = attempt === 0 ? request.headers : new Headers(request.headers);
      if (attempt > 0) {
        headers.set('x-retry-count', String(attempt));
      }
      if (options.log.enabled('debug')) {
        options.log.debug(`→ ${method} ${context.url}${attempt > 0 ? ` (retry ${attempt})` : ''}`, {
          headers: redactHeaders(headers),
        });
      }

      let response: Response;
      let payload: string;
      try {
        response = await fetchFollowingRedirects(
          options.fetch,
          url,
          method,
          headers,
          body,
          signal,
          attempt === 0 && body === undefined ? request : undefined,
          // `redirect: 'manual'` on the call: the redirect itself is the answer (its Location read by the caller).
          request.redirect !== 'manual',
        );
        payload = await response.text();
        settle();
      } catch (cause) {
        settle();
        if (callerSignal.aborted) {
          throw new AbortError(`${label} was aborted by the caller`, context, {
            cause: callerSignal.reason,
          });
        }
        const error = timeout.aborted
          ? new TimeoutError(`${label} timed out after ${options.timeoutMs} ms`, context, { cause })
          : cause instanceof ScaleClientError
            ? cause
            : new ConnectionError(
                `${label} failed to connect or was cut short: ${redactText(String((cause as Error)?.cause ?? cause), options.secrets)}`,
                context,
                { cause },
              );
        if (attempt < retries && error instanceof ConnectionError) {
          const delay = backoff(attempt);
          options.log.warn(
            `${label}: ${error.name}, retrying in ${Math.round(delay)} ms (retry ${attempt + 1} of ${retries})`,
          );
          await pause(sleep, delay, callerSignal, label, context);
          continue;
        }
        throw error;
      }

      const requestId = requestIdOf(response.headers);
      if (options.log.enabled('debug')) {
        options.log.debug(
          `← ${response.status} ${label} in ${Date.now() - started} ms${requestId ? ` (request id ${requestId})` : ''}`,
        );
      }
      if (retryableStatus(response.status) && attempt < retries) {
        const asked = retryAfterMs(response.headers);
        const delay =
          asked !== undefined && asked >= 0 && asked <= 60_000 ? asked : backoff(attempt);
        options.log.warn(
          `${label}: ${response.status}, retrying in ${Math.round(delay)} ms (retry ${attempt + 1} of ${retries})${requestId ? ` (request id ${requestId})` : ''}`,
        );
        await pause(sleep, delay, callerSignal, label, context);
        continue;
      }
      if (attempt > 0) {
        retriesByResponse.set(response, attempt);
      }
      return bufferedResponse(response, noBodyStatus.has(response.status) ? '' : payload);
    }
  };
}

/**
 * A Response whose body was already read: `text()` and `json()` answer from the buffer without
 * a second trip through a body stream.
 */
function bufferedResponse(response: Response, text: string): Response {
  // The body stream was consumed here; readers get the buffered text instead of a second
  // stream (each WebStream and Response costs measurably on Node 20's hot path).
  let used = false;
  const take = () => {
    if (used) {
      return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    }
    used = true;
    return Promise.resolve(text);
  };
  Object.defineProperties(response, {
    text: { value: take },
    json: { value: () => take().then((value) => JSON.parse(value)) },
    arrayBuffer: { value: () => take().then((value) => new TextEncoder().encode(value).buffer) },
    bodyUsed: { get: () => used },
  });
  return response;
}

async function pause(
  sleep: NonNullable<TransportOptions['sleep']>,
  ms: number,
  signal: AbortSignal,
  label: string,
  context: { operationId: string | undefined },
) {
  try {
    await sleep(ms, signal);
  } catch (cause) {
    throw new AbortError(`${label} was aborted by the caller`, context, { cause });
  }
}

/**
 * Follows up to 5 redirects by hand, so that credentials never travel to another origin; with
 * `follow` false, returns the first answer, redirect or not, and sends nothing to its Location.
 */
async function fetchFollowingRedirects(
  fetchImpl: FetchFunction,
  start: URL,
  startMethod: string,
  startHeaders: Headers,
  startBody: ArrayBuffer | undefined,
  signal: AbortSignal,
  /** The caller's Request, sent as it is on the first hop when it has no body to replay. */
  original: Request | undefined,
  follow: boolean,
): Promise<Response> {
  let url = start;
  let method = startMethod;
  let body = startBody;
  const headers = new Headers(startHeaders);
  for (let hops = 0; ; hops += 1) {
    const response =
      hops === 0 && original
        ? await fetchImpl(original, { signal, redirect: 'manual' })
        : await fetchImpl(url.toString(), {
            method,
            headers,
            body: body ? body.slice(0) : null,
            signal,
            redirect: 'manual',
          });
    const location = response.headers.get('location');
    if (!follow || !redirectStatus.has(response.status) || !location) {
      return response;
    }
    await response.body?.cancel();
    if (hops >= 5) {
      throw new ConnectionError(
        `too many redirects (more than 5) starting at ${start.origin}${start.pathname}`,
      );
    }
    const next = new URL(location, url);
    if (next.origin !== start.origin) {
      for (const name of credentialHeaders) {
        headers.delete(name);
      }
    }
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
      headers.delete('content-type');
    }
    url = next;
  }
}
