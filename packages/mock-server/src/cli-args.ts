import { parseArgs } from 'node:util';
import type { MockServerOptions } from './server.js';

export const USAGE = `Usage: scale-mock [options]

Starts a stateful mock of Scale's task APIs (v1, v2) and SGP (v4) on one port. Every response is
checked against the spec; faults are seeded, so a failure reproduces with the same --seed.

Options:
  --port <n>              port to listen on (default 0: a free port)
  --host <address>        address to listen on (default 127.0.0.1)
  --seed <n>              seed of the data and the faults (default 1)
  --size <n>              number of v2 tasks, and of v1 tasks (default 1000)
  --fault-429 <share>     share of responses answered 429, from 0 to 1 (default 0)
  --fault-500 <share>     share answered 500 (default 0)
  --fault-503 <share>     share answered 503 (default 0)
  --latency-ms <ms>       delay added to --latency-rate of the responses (default 0)
  --latency-rate <share>  share of responses delayed (default 1 when --latency-ms is set)
  --reset-rate <share>    share of connections closed without an answer (default 0)
  --truncate-rate <share> share of responses cut off partway through the body (default 0)
  --scale-key <key>       the Scale API key to accept (default test_mock_scale_key)
  --sgp-key <key>         the SGP API key to accept (default test_mock_sgp_key)
  -h, --help              print this help
`;

/** A command-line mistake: one line saying what was wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  size: { type: 'string' },
  'fault-429': { type: 'string' },
  'fault-500': { type: 'string' },
  'fault-503': { type: 'string' },
  'latency-ms': { type: 'string' },
  'latency-rate': { type: 'string' },
  'reset-rate': { type: 'string' },
  'truncate-rate': { type: 'string' },
  'scale-key': { type: 'string' },
  'sgp-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (
    !/^-?\d+$/.test(value.trim()) ||
    !Number.isSafeInteger(number) ||
    number < min ||
    number > max
  ) {
    throw new UsageError(
      `--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function share(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new UsageError(`--${flag} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return number;
}

function milliseconds(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new UsageError(
      `--${flag} must be a number of milliseconds (0 or more), got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function key(flag: string, value: string): string {
  if (value === '' || /\s/.test(value)) {
    throw new UsageError(`--${flag} must be a non-empty key without spaces`);
  }
  return value;
}

/** Parses the command line into server options, or `{ help: true }`. Throws UsageError. */
export function parseCli(
  argv: string[],
): { help: true } | { help: false; options: MockServerOptions } {
  let values: Partial<Record<keyof typeof flags, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }));
  } catch (error) {
    // parseArgs explains over several lines; keep it to one.
    throw new UsageError((error as Error).message.split('\n').join(' '));
  }
  if (values.help) {
    return { help: true };
  }
  const text = (name: keyof typeof flags) => values[name] as string | undefined;
  const faults: NonNullable<MockServerOptions['faults']> = {};
  const shares = [
    ['fault-429', 'rate429'],
    ['fault-500', 'rate500'],
    ['fault-503', 'rate503'],
    ['latency-rate', 'latencyRate'],
    ['reset-rate', 'resetRate'],
    ['truncate-rate', 'truncateRate'],
  ] as const;
  for (const [flag, option] of shares) {
    const value = text(flag);
    if (value !== undefined) {
      faults[option] = share(flag, value);
    }
  }
  const latency = text('latency-ms');
  if (latency !== undefined) {
    faults.latencyMs = milliseconds('latency-ms', latency);
  }
  const exclusive =
    (faults.rate429 ?? 0) +
    (faults.rate500 ?? 0) +
    (faults.rate503 ?? 0) +
    (faults.resetRate ?? 0) +
    (faults.truncateRate ?? 0);
  if (exclusive > 1 + 1e-9) {
    throw new UsageError(
      `--fault-429, --fault-500, --fault-503, --reset-rate and --truncate-rate add up to ${exclusive}; they must add up to at most 1`,
    );
  }
  const options: MockServerOptions = {};
  const port = text('port');
  if (port !== undefined) {
    options.port = integer('port', port, 0, 65_535);
  }
  const host = text('host');
  if (host !== undefined) {
    if (host.trim() === '') {
      throw new UsageError('--host must not be empty');
    }
    options.host = host;
  }
  const seed = text('seed');
  if (seed !== undefined) {
    options.seed = integer('seed', seed, -(2 ** 31), 2 ** 32 - 1);
  }
  const size = text('size');
  if (size !== undefined) {
    options.size = integer('size', size, 0, 10_000_000);
  }
  const scaleKey = text('scale-key');
  const sgpKey = text('sgp-key');
  if (scaleKey !== undefined || sgpKey !== undefined) {
    options.apiKeys = {
      ...(scaleKey === undefined ? {} : { scale: key('scale-key', scaleKey) }),
      ...(sgpKey === undefined ? {} : { sgp: key('sgp-key', sgpKey) }),
    };
  }
  if (Object.keys(faults).length > 0) {
    options.faults = faults;
  }
  return { help: false, options };
}

/** The one line printed once the server listens: where it is and how to point the clients at it. */
export function readyLine(url: string, keys: { scale: string; sgp: string }): string {
  return `scale-mock listening on ${url} (Scale /v1 /v2, SGP /v4); point the clients at it with: SCALE_BASE_URL=${url} SCALE_API_KEY=${keys.scale} SGP_BASE_URL=${url} SGP_API_KEY=${keys.sgp}`;
}
