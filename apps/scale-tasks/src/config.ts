import { resolve } from 'node:path';
import { createScaleClient, createSgpClient, type LogLevel } from '@scale-contracts/client';
import { config as loadDotenv } from 'dotenv';
import { redact, usageError } from './errors.js';

/** The global flags every command accepts. */
export interface GlobalOptions {
  baseUrl?: string;
  sgpBaseUrl?: string;
  timeoutMs?: number;
  maxRetries?: number;
  debug?: boolean;
}

/**
 * Loads `.env` from the working directory into `process.env`, without overriding what the
 * environment already sets (flags > environment > .env).
 */
export function loadEnvFile(cwd = process.cwd()): void {
  loadDotenv({ path: resolve(cwd, '.env'), quiet: true, override: false });
}

/** Every secret this process knows, so that no output line can contain one. */
export function secrets(): string[] {
  return [process.env.SCALE_API_KEY, process.env.SGP_API_KEY].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}

/** Client log lines (retries, drift warnings) go to stderr, scrubbed, with the CLI's prefix. */
function logger(debug: boolean) {
  const write = (level: string) => (message: string) => {
    process.stderr.write(`scale-tasks: ${level}: ${redact(message, secrets())}\n`);
  };
  return {
    logger: {
      debug: write('debug'),
      info: write('info'),
      warn: write('warning'),
      error: write('error'),
    },
    logLevel: (debug ? 'debug' : 'error') as LogLevel,
  };
}

function shared(options: GlobalOptions) {
  return {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...logger(options.debug === true),
    userAgent: 'scale-tasks',
  };
}

/** A Scale client from flags, then environment, then `.env`; a missing key is a usage error. */
export function scaleClient(
  options: GlobalOptions,
  target: { apiKey?: string; baseUrl?: string } = {},
) {
  const apiKey = target.apiKey ?? process.env.SCALE_API_KEY;
  if (!apiKey) {
    throw usageError(
      'missing API key: set SCALE_API_KEY in the environment or in ./.env (or run `scale-tasks demo` to try the mock)',
    );
  }
  const baseUrl = target.baseUrl ?? options.baseUrl ?? process.env.SCALE_BASE_URL;
  return createScaleClient({ apiKey, ...(baseUrl ? { baseUrl } : {}), ...shared(options) });
}

/** An SGP client from flags, then environment, then `.env`; a missing key is a usage error. */
export function sgpClient(
  options: GlobalOptions,
  target: { apiKey?: string; baseUrl?: string } = {},
) {
  const apiKey = target.apiKey ?? process.env.SGP_API_KEY;
  if (!apiKey) {
    throw usageError(
      'missing API key: set SGP_API_KEY in the environment or in ./.env (or run `scale-tasks demo` to try the mock)',
    );
  }
  const baseUrl = target.baseUrl ?? options.sgpBaseUrl ?? process.env.SGP_BASE_URL;
  const accountId = process.env.SGP_ACCOUNT_ID;
  return createSgpClient({
    apiKey,
    ...(baseUrl ? { baseUrl } : {}),
    ...(accountId ? { accountId } : {}),
    ...shared(options),
  });
}

export type ScaleClient = ReturnType<typeof scaleClient>;
export type SgpClient = ReturnType<typeof sgpClient>;
