import type { Issue } from '@scale-contracts/validators/scale';

/** Where an error happened: the operation and, when the server answered, its request id. */
export interface ErrorContext {
  operationId?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  requestId?: string | undefined;
}

/** Base of every error this client throws. */
export class ScaleClientError extends Error {
  override readonly name: string = 'ScaleClientError';
  readonly operationId: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.operationId = context.operationId;
    this.requestId = context.requestId;
  }
}

/** The API answered with a status that is not a success. */
export class ScaleApiError extends ScaleClientError {
  override readonly name: string = 'ScaleApiError';
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The parsed error body (JSON when it was JSON, else the text), secrets redacted. */
    readonly body: unknown,
    /** Response headers. */
    readonly headers: Headers,
    context: ErrorContext,
    message: string,
  ) {
    super(message, context);
  }
}

/** 400: a parameter is missing or invalid. */
export class BadRequestError extends ScaleApiError {
  override readonly name = 'BadRequestError';
}
/** 401: no valid API key. */
export class AuthenticationError extends ScaleApiError {
  override readonly name = 'AuthenticationError';
}
/** 402: the feature is not enabled for the account. */
export class PaymentRequiredError extends ScaleApiError {
  override readonly name = 'PaymentRequiredError';
}
/** 403: the key may not do this. */
export class PermissionDeniedError extends ScaleApiError {
  override readonly name = 'PermissionDeniedError';
}
/** 404: no such resource. */
export class NotFoundError extends ScaleApiError {
  override readonly name = 'NotFoundError';
}
/** 409: a unique_id or name is already taken. */
export class ConflictError extends ScaleApiError {
  override readonly name = 'ConflictError';
}
/** 422: the request failed validation (SGP). */
export class UnprocessableEntityError extends ScaleApiError {
  override readonly name = 'UnprocessableEntityError';
}
/** 429: too many requests (after the retries). */
export class RateLimitError extends ScaleApiError {
  override readonly name = 'RateLimitError';
}
/** 5xx: the server failed (after the retries). */
export class InternalServerError extends ScaleApiError {
  override readonly name = 'InternalServerError';
}

/** The request never got a complete answer: refused, reset, or the body was cut short. */
export class ConnectionError extends ScaleClientError {
  override readonly name: string = 'ConnectionError';
}
/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  override readonly name = 'TimeoutError';
}
/** The caller's `signal` aborted the request. Never retried. */
export class AbortError extends ScaleClientError {
  override readonly name = 'AbortError';
}

/** The response broke the spec (validate: 'strict'). */
export class ResponseValidationError extends ScaleClientError {
  override readonly name = 'ResponseValidationError';
  constructor(
    /** Every issue the validator found, with JSON pointers into the body. */
    readonly issues: Issue[],
    readonly status: number,
    context: ErrorContext,
  ) {
    const shown = issues.slice(0, 3).map((issue) => `${issue.path || '/'} ${issue.message}`);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    super(
      `${context.operationId} ${status} response breaks the spec: ${shown.join('; ')}${more}`,
      context,
    );
  }
}

/** The server's cursors went in a circle; iterating on would repeat pages forever. */
export class PaginationError extends ScaleClientError {
  override readonly name = 'PaginationError';
}

const byStatus: Record<number, typeof ScaleApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The message an error body carries: Scale's `error`, FastAPI's `detail`, or the text. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    return body.slice(0, 300) || undefined;
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'string') {
      return record.error;
    }
    if (typeof record.detail === 'string') {
      return record.detail;
    }
    if (Array.isArray(record.detail)) {
      return record.detail
        .map((item) =>
          item && typeof item === 'object'
            ? `${(item as { loc?: unknown[] }).loc?.join('.')}: ${(item as { msg?: string }).msg}`
            : String(item),
        )
        .join('; ');
    }
  }
  return undefined;
}

/** The typed error for a status, with a message that names the operation, status and reason. */
export function apiErrorFor(
  status: number,
  body: unknown,
  headers: Headers,
  context: ErrorContext,
): ScaleApiError {
  const Class = byStatus[status] ?? (status >= 500 ? InternalServerError : ScaleApiError);
  const reason = messageOf(body);
  const where = context.operationId ?? `${context.method} ${context.url}`;
  const id = context.requestId ? ` (request id ${context.requestId})` : '';
  return new Class(
    status,
    body,
    headers,
    context,
    `${where} failed with ${status}${reason ? `: ${reason}` : ''}${id}`,
  );
}
