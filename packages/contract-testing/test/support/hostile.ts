import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { cli } from './cli.js';

/** A loopback server that answers every request with `handle`. `close()` ends it and its sockets. */
export async function startServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    // A client that gives up mid-body (as the suite does over its cap) is no server error.
    response.on('error', () => {});
    request.on('error', () => {});
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes `chunk` `times` times, waiting for drain, then ends with `last` (stops on a closed socket). */
function stream(response: ServerResponse, chunk: Buffer, times: number, last: Buffer | string) {
  let written = 0;
  const more = () => {
    while (written < times) {
      if (response.destroyed) {
        return;
      }
      written += 1;
      if (!response.write(chunk)) {
        response.once('drain', more);
        return;
      }
    }
    response.end(last);
  };
  more();
}

const MiB = 1024 * 1024;

/** What each hostile server answers to every request. */
export const hostile = {
  /** An HTML 404, as a web server answers a path it does not have. */
  html404: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>404</title><h1>Not Found</h1>');
  },
  /** A JSON `{}` 404 on every path: an API, but not at this root. */
  json404: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{}');
  },
  /** A 200 HTML page on every path (a web app, a login page). */
  html200: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>Welcome</title><p>Sign in');
  },
  /** Accepts the connection, reads the request, never answers. */
  hang: (request: IncomingMessage) => {
    request.resume();
  },
  /** Sends the headers and 13 bytes of a 1,000-byte body, then nothing. */
  stall: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    response.write('{"projects":[');
  },
  /** 50 MiB of JSON (whitespace in a valid document), chunked: no content-length to go by. */
  bigChunked: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"projects":[]');
    stream(response, Buffer.alloc(MiB, 0x20), 50, '}');
  },
  /** 50 MiB of JSON with its content-length declared. */
  bigDeclared: (_request: IncomingMessage, response: ServerResponse) => {
    const head = '{"projects":[]';
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(head.length + 50 * MiB + 1),
    });
    response.write(head);
    stream(response, Buffer.alloc(MiB, 0x20), 50, '}');
  },
  /** About 0.5 MB of gzip that inflates to 500 MiB of JSON (gzip members, one per MiB). */
  gzipBomb: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    response.write(gzipSync('{"projects":["'));
    stream(response, GZIP_MIB, 500, gzipSync('"]}'));
  },
};

/** One MiB of `a`, gzipped (about 1 KB); members concatenate into one gzip stream. */
const GZIP_MIB = gzipSync(Buffer.alloc(MiB, 0x61));

/**
 * A loopback proxy in front of `upstream` that forwards every request as it is (keys
 * included), after `delayMs`; a request whose path and query match `stallOn` gets the headers
 * and a few bytes of its body, then nothing.
 */
export async function startForwarder(
  upstream: string,
  options: { delayMs?: number; stallOn?: RegExp } = {},
) {
  return startServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      if (options.stallOn?.test(request.url ?? '')) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        response.write('{"id":');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
          headers.set(name, value);
        }
      }
      try {
        const answer = await fetch(new URL(request.url ?? '/', upstream), {
          method: request.method,
          headers,
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          redirect: 'manual',
        });
        const body = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding'].includes(name)) {
            out[name] = value;
          }
        });
        response.writeHead(answer.status, out);
        response.end(body);
      } catch {
        response.destroy();
      }
    });
  });
}

/** The CLI run as a child process the test can signal. */
export interface CliRun {
  /** Resolves when the process has exited. */
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; ms: number }>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves once stderr matches `pattern` (or rejects after `ms`). */
  waitFor: (pattern: RegExp, ms: number) => Promise<void>;
}

/**
 * Spawns `node [--import preload] dist/cli.js ...args` with only PATH, HOME and `env`. With
 * `rssFile`, the child writes its peak RSS (KiB) there when it exits.
 */
export function spawnCli(
  args: string[],
  options: { env?: Record<string, string>; preload?: string[]; rssFile?: string } = {},
): CliRun {
  const started = performance.now();
  const imports = [
    ...(options.rssFile ? [new URL('./max-rss.mjs', import.meta.url).href] : []),
    ...(options.preload ?? []),
  ].flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...imports, cli, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(options.rssFile ? { SCALE_CONTRACTS_TEST_RSS_FILE: options.rssFile } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(stderr)) {
        waiter.resolve();
      } else {
        waiters.push(waiter);
      }
    }
  });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status, signal) =>
        resolve({ status, signal, ms: Math.round(performance.now() - started) }),
      );
    },
  );
  return {
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    waitFor: (pattern, ms) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) {
          resolve();
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`stderr did not match ${pattern} within ${ms} ms:\n${stderr}`)),
          ms,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

/**
 * Every form of `key` that must never be in an output: the key, URL-encoded, base64 (alone and
 * as a Basic credential `key:`), and each 8-character piece of it (a key cut short).
 */
export function keyForms(key: string): string[] {
  const forms = new Set([
    key,
    encodeURIComponent(key),
    Buffer.from(key).toString('base64'),
    Buffer.from(`${key}:`).toString('base64'),
  ]);
  for (let start = 0; start + 8 <= key.length; start += 1) {
    forms.add(key.slice(start, start + 8));
  }
  return [...forms];
}

/** The forms of `keys` found in `bytes` (none, when nothing leaked). */
export function leaks(bytes: string | Buffer, keys: readonly string[]): string[] {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('latin1') : bytes;
  return keys.flatMap(keyForms).filter((form) => text.includes(form));
}
