import type { FetchFunction } from './types.js';

/**
 * Every request of a run goes through {@link guardFetch}: one timer per request (connect,
 * headers and the whole body), a cap on the body's bytes, and the run's stop signal (deadline,
 * Ctrl-C). The body is read here, chunk by chunk, never by `response.text()`.
 *
 * Why: Node 20's fetch (undici 6) stops listening for an abort once the last *encoded* byte has
 * arrived (`onComplete` removes its `terminated` listener), but a gzip body may still be
 * inflating then. An abort in that window (a per-request timeout firing on a slow
 * decompression) makes undici's pull loop `break` without closing or erroring the stream, so
 * `response.text()` never settles. The socket is back in the pool (unref'd) and
 * `AbortSignal.timeout`'s timer is unref'd too, so nothing is left to keep the event loop
 * alive: the process ended with exit code 0, no report and no totals line. Here the timer is a
 * plain (ref'd) `setTimeout` and every read races it, so a request always ends, one way or
 * another, within its timeout.
 */

/** How a request failed. */
export type FailureKind =
  /** No answer (or no complete body) within the per-request timeout. */
  | 'timeout'
  /** The host refused the connection. */
  | 'refused'
  /** The host name did not resolve. */
  | 'dns'
  /** The TLS handshake failed (certificate, protocol). */
  | 'tls'
  /** The connection closed before a complete answer. */
  | 'reset'
  /** The body was larger than `maxBodyBytes` (the response's status and headers are known). */
  | 'oversize'
  /** The run was stopped (deadline, interruption) while the request was pending. */
  | 'stopped'
  /** Anything else fetch threw. */
  | 'network';

/** A request that got no usable answer, and why. */
export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly details: {
      /** `host:port` of the request. */
      host?: string;
      /** The error code underneath (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, ...). */
      code?: string;
      /** For `oversize`: the response as far as it is known. */
      status?: number;
      headers?: Headers;
      /** For `oversize`: the bytes read before giving up, or the declared `content-length`. */
      bytes?: number;
    } = {},
  ) {
    super(message);
  }
}

export interface GuardOptions {
  /** Per request, from sending to the last byte of the body. */
  timeoutMs: number;
  /** The most body bytes (after decompression) read from one response. */
  maxBodyBytes: number;
  /** The run's stop signal; its reason (a string) says why. */
  stop?: AbortSignal;
}

const GUARDED = Symbol.for('scale-contracts.guarded-fetch');

/** `20 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) {
    return `${bytes / (1024 * 1024)} MiB`;
  }
  if (bytes >= 1024 * 1024) {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  }
  if (bytes >= 1024 && bytes % 1024 === 0) {
    return `${bytes / 1024} KiB`;
  }
  return `${bytes} bytes`;
}

const hostOf = (input: string) => {
  try {
    const url = new URL(input);
    return url.port ? url.host : `${url.hostname}:${url.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return input;
  }
};

/** Resolves or rejects with `promise`, or rejects with `onAbort()` as soon as `signal` aborts. */
function race<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => unknown): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** The innermost error code under a fetch failure (`TypeError: fetch failed` → cause → errors). */
function codeOf(error: unknown): { code?: string; message?: string } {
  let current = error as (Error & { code?: unknown; cause?: unknown; errors?: unknown[] }) | null;
  let found: { code?: string; message?: string } = {};
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (typeof current.code === 'string') {
      found = { code: current.code, message: current.message };
    }
    current = (current.cause ??
      (Array.isArray(current.errors) ? current.errors[0] : undefined)) as typeof current;
  }
  return found;
}

/** A fetch failure as a {@link RequestFailure}; the message is what a report shows. */
export function classify(error: unknown, input: string): RequestFailure {
  if (error instanceof RequestFailure) {
    return error;
  }
  const host = hostOf(input);
  const cause = (error as Error & { cause?: unknown })?.cause;
  const message = `${(error as Error)?.message ?? error}${cause ? ` (${(cause as Error).message ?? cause})` : ''}`;
  const { code } = codeOf(error);
  let kind: FailureKind = 'network';
  if (code === 'ECONNREFUSED') {
    kind = 'refused';
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') {
    kind = 'dns';
  } else if (
    code !== undefined &&
    (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))
  ) {
    kind = 'tls';
  } else if (
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_CLOSED'
  ) {
    kind = 'reset';
  } else if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    kind = 'timeout';
  }
  return new RequestFailure(message, kind, { host, ...(code ? { code } : {}) });
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Reads the body, at most `maxBytes` of it (decompressed), racing `signal`. Over the cap (or
 * with a larger `content-length` on an unencoded body) it stops reading and throws an
 * `oversize` failure that carries the status and headers.
 */
async function readBody(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  onAbort: () => unknown,
  progress: (bytes: number) => void,
): Promise<Uint8Array> {
  const oversize = (bytes: number, declared: boolean) =>
    new RequestFailure(
      `the response body is larger than ${formatBytes(maxBytes)} (--max-body-bytes): ${
        declared ? `content-length ${bytes}` : `more than ${bytes} bytes read`
      }, not judged`,
      'oversize',
      { status: response.status, headers: response.headers, bytes },
    );
  if (!response.body) {
    return new Uint8Array(0);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && Number.isFinite(declared) && declared > maxBytes) {
    response.body.cancel().catch(() => {});
    throw oversize(declared, true);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await race(reader.read(), signal, onAbort);
      if (done) {
        break;
      }
      total += value.byteLength;
      progress(total);
      if (total > maxBytes) {
        throw oversize(total, false);
      }
      chunks.push(value);
    }
  } catch (error) {
    // Not awaited: a stream in the state described above may never settle its cancel either.
    reader.cancel().catch(() => {});
    throw error;
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

/** Wraps `fetch` so that every request ends within its timeout, its body capped (see above). */
export function guardFetch(fetch: FetchFunction, options: GuardOptions): FetchFunction {
  if ((fetch as { [GUARDED]?: boolean })[GUARDED]) {
    return fetch;
  }
  const guarded: FetchFunction = async (input, init) => {
    const { timeoutMs, maxBodyBytes, stop } = options;
    const stopped = () =>
      new RequestFailure(`stopped: ${String(stop?.reason ?? 'the run was stopped')}`, 'stopped');
    if (stop?.aborted) {
      throw stopped();
    }
    const controller = new AbortController();
    let phase: 'headers' | 'body' = 'headers';
    let bytes = 0;
    /** What aborted the request: its timeout, the run's stop, or the caller's own signal. */
    let aborted: 'timeout' | 'stop' | 'caller' | undefined;
    const timeout = () =>
      new RequestFailure(
        phase === 'headers'
          ? `no response within ${timeoutMs} ms`
          : `no complete response within ${timeoutMs} ms (${bytes} bytes of the body read)`,
        'timeout',
        { host: hostOf(input), bytes },
      );
    const caller = init.signal;
    const failure = () =>
      aborted === 'timeout' ? timeout() : aborted === 'caller' ? caller?.reason : stopped();
    const abort = (by: NonNullable<typeof aborted>) => {
      aborted ??= by;
      controller.abort(failure());
    };
    // A plain, ref'd timer on purpose: while a request is pending the process stays alive.
    const timer = setTimeout(() => abort('timeout'), timeoutMs);
    const onStop = () => abort('stop');
    stop?.addEventListener('abort', onStop, { once: true });
    const onCaller = () => abort('caller');
    if (caller?.aborted) {
      onCaller();
    }
    caller?.addEventListener('abort', onCaller, { once: true });
    try {
      const response = await race(
        // A fake fetch may return a Response (not a promise) or throw synchronously.
        Promise.resolve().then(() => fetch(input, { ...init, signal: controller.signal })),
        controller.signal,
        failure,
      );
      phase = 'body';
      const body = await readBody(response, maxBodyBytes, controller.signal, failure, (n) => {
        bytes = n;
      });
      return new Response(NULL_BODY.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (error instanceof RequestFailure || aborted === 'caller') {
        throw error;
      }
      if (aborted !== undefined) {
        throw failure();
      }
      throw classify(error, input);
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      caller?.removeEventListener('abort', onCaller);
    }
  };
  (guarded as { [GUARDED]?: boolean })[GUARDED] = true;
  return guarded;
}
