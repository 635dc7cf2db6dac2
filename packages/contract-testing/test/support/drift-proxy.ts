import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
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
 * A loopback HTTP proxy in front of `upstream` (the mock server) that passes every request
 * through and lets `drift` rewrite responses: a drifting variant of the mock. `close()` it.
 */
export async function startDriftProxy(upstream: string, drift: Drift) {
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
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const upstreamResponse = await fetch(url, {
          method: req.method,
          headers,
          body,
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
        const request = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers,
        };
        const rewritten = drift(request, response);
        if (rewritten) {
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
    /** The requests whose responses were rewritten. */
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
