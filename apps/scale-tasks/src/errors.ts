import {
  AbortError,
  BadRequestError,
  NotFoundError,
  ScaleApiError,
  ScaleClientError,
  UnprocessableEntityError,
} from '@scale-contracts/client';

/** Exit codes of every command. */
export const EXIT = {
  ok: 0,
  /** The API or the file system failed at run time. */
  runtime: 1,
  /** Bad flags or input: fix the command line. */
  usage: 2,
  /** A task broke the spec with `--validate strict`. */
  validation: 3,
  /** Ctrl-C: the checkpoint is saved, run the same command again to resume. */
  interrupted: 130,
} as const;

/** An error the CLI reports as one line and a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** The user interrupted the run; the state on disk is consistent. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** The exit code an error maps to: the request named something wrong (400, 404, 422) is 2. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) {
    return error.exitCode;
  }
  if (error instanceof Interrupted || error instanceof AbortError) {
    return EXIT.interrupted;
  }
  if (
    error instanceof BadRequestError ||
    error instanceof NotFoundError ||
    error instanceof UnprocessableEntityError
  ) {
    return EXIT.usage;
  }
  return EXIT.runtime;
}

/** One line for an error: no stack, no newlines, no secrets. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (error instanceof ScaleApiError || error instanceof ScaleClientError) {
    text = error.message;
  } else if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    text = code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  } else {
    text = String(error);
  }
  return redact(text.replace(/\s*\n\s*/g, ' ').trim(), secrets);
}

/** Replaces every occurrence of each secret (of at least 4 characters) with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  return out;
}
