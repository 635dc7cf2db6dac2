/** Where the client writes its log lines. Any object with these methods, e.g. `console` or pino. */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

const rank: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** The default sink: the runtime's console. */
const consoleLogger: Logger = {
  // biome-ignore lint/suspicious/noConsole: the default logger is the console, by design
  debug: (message, details) => console.debug(message, details ?? ''),
  // biome-ignore lint/suspicious/noConsole: the default logger is the console, by design
  info: (message, details) => console.info(message, details ?? ''),
  // biome-ignore lint/suspicious/noConsole: the default logger is the console, by design
  warn: (message, details) => console.warn(message, details ?? ''),
  // biome-ignore lint/suspicious/noConsole: the default logger is the console, by design
  error: (message, details) => console.error(message, details ?? ''),
};

/** Headers whose values never reach a log line or an error. */
export const secretHeaders = new Set([
  'authorization',
  'x-api-key',
  'proxy-authorization',
  'cookie',
  'scale-callback-auth',
]);

/** Replaces every occurrence of each secret in `text`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}

/** A deep copy of a JSON value with every string scrubbed of the secrets. */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    return redactText(value, secrets);
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, secrets));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)]),
    );
  }
  return value;
}

/** Headers as a plain object, with secret headers shown as `[redacted]`. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = secretHeaders.has(name.toLowerCase()) ? '[redacted]' : value;
  });
  return out;
}

/** A leveled logger that drops what is below `level` and scrubs secrets from what it passes on. */
export function createLog(logger: Logger | undefined, level: LogLevel, secrets: readonly string[]) {
  const sink = logger ?? consoleLogger;
  const emit =
    (at: Exclude<LogLevel, 'off'>) => (message: string, details?: Record<string, unknown>) => {
      if (rank[at] <= rank[level]) {
        sink[at](
          redactText(message, secrets),
          details && (redactValue(details, secrets) as Record<string, unknown>),
        );
      }
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    /** Whether lines at `at` are kept: check before building costly details. */
    enabled: (at: Exclude<LogLevel, 'off'>) => rank[at] <= rank[level],
  };
}

export type Log = ReturnType<typeof createLog>;
