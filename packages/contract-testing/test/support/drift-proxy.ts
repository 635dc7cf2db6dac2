import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The raw body, when there was one. */
  body?: string;
}

/** An upstream response the proxy may rewrite; `body` is the raw text. */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Rewrites one response, or returns undefined to pass it through. */
export type Drift = (
  request: ProxiedRequest,
  response: ProxiedResponse,
) => ProxiedResponse | undefined;

/**
 * Changes the request before it goes upstream (a server that ignores a parameter drops it, one
 * that ignores auth lets a keyless request through), or returns undefined to pass it as it is.
 * The response drift still sees the request as the client sent it.
 */
export type RequestDrift = (request: ProxiedRequest) => ProxiedRequest | undefined;

/** Both halves of a drift: what goes upstream and what comes back. */
export interface DriftSpec {
  request?: RequestDrift;
  response?: Drift;
}

/**
 * A loopback HTTP proxy in front of `upstream` (the mock server) that passes every request
 * through and lets `drift` rewrite responses (and, with a {@link DriftSpec}, requests): a
 * drifting variant of the mock. `close()` it.
 */
export async function startDriftProxy(upstream: string, drift: Drift | DriftSpec) {
  const spec: DriftSpec = typeof drift === 'function' ? { response: drift } : drift;
  const hits: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const url = new URL(req.url ?? '/', upstream);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (
            typeof value === 'string' &&
            !['host', 'connection', 'content-length'].includes(name)
          ) {
            headers[name] = value;
          }
        }
        const raw = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
        const request: ProxiedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers,
          ...(raw === undefined ? {} : { body: raw }),
        };
        const sent = spec.request?.({
          ...request,
          query: new URLSearchParams(request.query),
          headers: { ...headers },
        });
        const forwarded = sent ?? request;
        const target = new URL(forwarded.path, upstream);
        target.search = forwarded.query.toString();
        const upstreamResponse = await fetch(target, {
          method: forwarded.method,
          headers: forwarded.headers,
          body: forwarded.body,
          redirect: 'manual',
        });
        const response: ProxiedResponse = {
          status: upstreamResponse.status,
          headers: {
            'content-type': upstreamResponse.headers.get('content-type') ?? '',
            // A redirect keeps its target (getDatasetTaskResponseUrl answers 302 + Location).
            ...(upstreamResponse.headers.has('location')
              ? { location: upstreamResponse.headers.get('location') ?? '' }
              : {}),
          },
          body: await upstreamResponse.text(),
        };
        const rewritten = spec.response?.(request, response);
        if (rewritten || sent) {
          hits.push(request);
        }
        const out = rewritten ?? response;
        res.writeHead(out.status, {
          ...out.headers,
          'content-length': Buffer.byteLength(out.body),
        });
        res.end(out.body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`drift proxy: ${String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The requests that were changed, or whose responses were. */
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A drift of the JSON responses of one route: `edit` gets the parsed body and returns the new one. */
export function rewriteJson(
  method: string,
  path: string | RegExp,
  edit: (body: Record<string, unknown>, request: ProxiedRequest) => unknown,
  options: {
    status?: number;
    contentType?: string;
    when?: (request: ProxiedRequest, status: number) => boolean;
  } = {},
): Drift {
  return (request, response) => {
    const matches =
      request.method === method &&
      (typeof path === 'string' ? request.path === path : path.test(request.path)) &&
      (options.when ? options.when(request, response.status) : response.status === 200);
    if (!matches) {
      return undefined;
    }
    const edited = edit(JSON.parse(response.body) as Record<string, unknown>, request);
    return {
      status: options.status ?? response.status,
      headers: { 'content-type': options.contentType ?? 'application/json' },
      body: JSON.stringify(edited),
    };
  };
}

/** The first drift that rewrites the response wins. */
export function anyOf(...drifts: Drift[]): Drift {
  return (request, response) => {
    for (const drift of drifts) {
      const rewritten = drift(request, response);
      if (rewritten) {
        return rewritten;
      }
    }
    return undefined;
  };
}

/** A server that ignores query parameters `names` of `method path`: they never reach it. */
export function ignoreQuery(method: string, path: string | RegExp, names: string[]): RequestDrift {
  return (request) => {
    if (
      request.method !== method ||
      !(typeof path === 'string' ? request.path === path : path.test(request.path)) ||
      !names.some((name) => request.query.has(name))
    ) {
      return undefined;
    }
    for (const name of names) {
      request.query.delete(name);
    }
    return request;
  };
}
