import * as scale from '@scale-contracts/validators/scale';
import * as sgp from '@scale-contracts/validators/sgp';
import { assess } from './session.js';
import type { Api, Violation } from './types.js';
import { formatViolation, issuesToViolations } from './violations.js';

/** A component schema of the Scale API (`Task`, `V1Task`, ...). */
export type ScaleSchemaName = keyof typeof scale.components & string;
/** A component schema of the SGP API (`EvaluationTask`, ...). */
export type SgpSchemaName = keyof typeof sgp.components & string;
/** An operationId of the Scale API. */
export type ScaleOperationId = keyof typeof scale.operations & string;
/** An operationId of the SGP API. */
export type SgpOperationId = keyof typeof sgp.operations & string;

/**
 * A response to judge: `{ status, headers?, body }` (headers as `Headers` or a plain object;
 * without a content type, `application/json` is assumed), or an openapi-fetch result
 * `{ data | error, response }` (status and content type are read from `response`).
 */
export type ResponseLike =
  | {
      status: number;
      headers?: Headers | Record<string, string | string[] | undefined>;
      body?: unknown;
    }
  | { data?: unknown; error?: unknown; response: Response };

const apiOf = (api: string): Api => {
  if (api !== 'scale' && api !== 'sgp') {
    throw new TypeError(`api must be "scale" or "sgp" (got ${JSON.stringify(api)})`);
  }
  return api;
};

/** The violations of `value` against component schema `name` (none when it conforms). */
export function schemaViolations(api: 'scale', name: ScaleSchemaName, value: unknown): Violation[];
export function schemaViolations(api: 'sgp', name: SgpSchemaName, value: unknown): Violation[];
export function schemaViolations(api: Api, name: string, value: unknown): Violation[];
export function schemaViolations(api: Api, name: string, value: unknown): Violation[] {
  const issues =
    apiOf(api) === 'scale'
      ? scale.errors(name as ScaleSchemaName, value)
      : sgp.errors(name as SgpSchemaName, value);
  return issuesToViolations(issues, value);
}

function headerOf(
  headers: Headers | Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers) {
    return undefined;
  }
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      return Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return undefined;
}

/** Status, content type and body of a `ResponseLike`. */
export function readResponse(response: ResponseLike): {
  status: number;
  contentType: string;
  body: unknown;
} {
  if (response === null || typeof response !== 'object') {
    throw new TypeError(
      'expected a response: { status, headers?, body } or an openapi-fetch result { data | error, response }',
    );
  }
  if ('response' in response && response.response && typeof response.response === 'object') {
    const { data, error } = response;
    return {
      status: response.response.status,
      contentType: response.response.headers.get('content-type') ?? 'application/json',
      body: data !== undefined ? data : error,
    };
  }
  if (typeof (response as { status?: unknown }).status !== 'number') {
    throw new TypeError(
      'expected a response: { status, headers?, body } or an openapi-fetch result { data | error, response }',
    );
  }
  const plain = response as { status: number; headers?: Headers; body?: unknown };
  return {
    status: plain.status,
    contentType: headerOf(plain.headers, 'content-type') ?? 'application/json',
    body: plain.body,
  };
}

/**
 * The violations of a response to `operationId`: an undocumented status, a content type the
 * spec does not declare for it, and the body's issues against the declared schema.
 */
export function operationViolations(
  api: 'scale',
  operationId: ScaleOperationId,
  response: ResponseLike,
): Violation[];
export function operationViolations(
  api: 'sgp',
  operationId: SgpOperationId,
  response: ResponseLike,
): Violation[];
export function operationViolations(
  api: Api,
  operationId: string,
  response: ResponseLike,
): Violation[];
export function operationViolations(
  api: Api,
  operationId: string,
  response: ResponseLike,
): Violation[] {
  const { status, contentType, body } = readResponse(response);
  let text = '';
  try {
    text = body === undefined ? '' : (JSON.stringify(body) ?? '');
  } catch {
    text = String(body);
  }
  return assess(apiOf(api), operationId, { status, contentType, body, text }, 'documented');
}

/** The violations as an indented list, in the report's wording. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((violation) => `  ${formatViolation(violation)}`).join('\n');
}
