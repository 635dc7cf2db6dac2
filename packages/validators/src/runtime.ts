import type { Static, TSchema } from 'typebox';
import Schema, { type Validator } from 'typebox/schema';

import { collectIssues, type Issue } from './collect-issues.js';

export type { Issue };

/** The request and response schemas of one operation, as the generated `operations` map holds them. */
export interface OperationSchemas {
  readonly method: string;
  readonly path: string;
  readonly request: {
    readonly path?: TSchema;
    readonly query?: TSchema;
    readonly header?: TSchema;
    readonly cookie?: TSchema;
    readonly body?: {
      readonly required: boolean;
      readonly content: Readonly<Record<string, TSchema>>;
    };
  };
  readonly responses: Readonly<Record<string, Readonly<Record<string, TSchema>>>>;
}

/** The result of checking a request or a response against its operation. */
export interface OperationResult {
  valid: boolean;
  issues: Issue[];
}

/** Thrown by `parse`: a real Error whose message names the schema and the first issues. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    /** The schema (or `operationId status`) that was checked. */
    readonly schema: string,
    /** Every issue found. */
    readonly issues: Issue[],
  ) {
    const shown = issues.slice(0, 3).map((issue) => `${issue.path || '/'} ${issue.message}`);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    super(`${schema} is invalid: ${shown.join('; ')}${more}`);
  }
}

export interface ErrorsOptions {
  /** Stop after this many issues (default: all of them). */
  limit?: number;
}

const mediaTypeOf = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();

/**
 * Builds `check`, `errors`, `parse`, `validateResponse` and `validateRequest` over a generated
 * module's `components` and `operations`. Each schema is compiled once, on first use, with
 * `typebox/schema`; nothing is coerced or defaulted, so validation never changes a value.
 */
export function createValidators<
  Context extends Readonly<Record<string, TSchema>>,
  Components extends Readonly<Record<string, TSchema>>,
  Operations extends Readonly<Record<string, OperationSchemas>>,
>(context: Context, components: Components, operations: Operations) {
  const compiled = new Map<TSchema, Validator>();
  const validator = (schema: TSchema): Validator => {
    let found = compiled.get(schema);
    if (!found) {
      found = Schema.Compile(context as never, schema as never) as unknown as Validator;
      compiled.set(schema, found);
    }
    return found;
  };
  const component = (name: string): TSchema => {
    const schema = components[name];
    if (!schema) {
      throw new TypeError(
        `unknown schema ${JSON.stringify(name)}; known: ${Object.keys(components).join(', ')}`,
      );
    }
    return schema;
  };
  const operation = (operationId: string): OperationSchemas => {
    const found = operations[operationId];
    if (!found) {
      throw new TypeError(`unknown operation ${JSON.stringify(operationId)}`);
    }
    return found;
  };

  const issuesOf = (schema: TSchema, value: unknown, limit = Number.POSITIVE_INFINITY): Issue[] =>
    validator(schema).Check(value)
      ? []
      : collectIssues(context as never, schema as never, value, limit);

  /** True when `value` satisfies component schema `name`. The hot path: no allocation on success. */
  function check<Name extends keyof Components & string>(
    name: Name,
    value: unknown,
  ): value is Static<Components[Name], Context> {
    return validator(component(name)).Check(value);
  }

  /** Every issue of `value` against component schema `name` (all of them unless `limit` says otherwise). */
  function errors(
    name: keyof Components & string,
    value: unknown,
    options: ErrorsOptions = {},
  ): Issue[] {
    return issuesOf(component(name), value, options.limit);
  }

  /** Returns `value`, typed, when it satisfies schema `name`; throws `ValidationError` otherwise. */
  function parse<Name extends keyof Components & string>(
    name: Name,
    value: unknown,
  ): Static<Components[Name], Context> {
    if (check(name, value)) {
      return value;
    }
    throw new ValidationError(name, errors(name, value));
  }

  /**
   * Checks a response of `operationId` against the schema the spec declares for its status and
   * content type. An undocumented status or content type is an issue of its own.
   */
  function validateResponse(
    operationId: keyof Operations & string,
    status: number | string,
    body: unknown,
    options: { contentType?: string } = {},
  ): OperationResult {
    const { responses } = operation(operationId);
    const code = String(status);
    const declared = responses[code] ?? responses[`${code[0]}XX`] ?? responses.default;
    if (!declared) {
      return {
        valid: false,
        issues: [
          {
            path: '',
            keyword: 'status',
            message: `status ${code} is not documented for ${operationId} (documented: ${Object.keys(responses).join(', ')})`,
          },
        ],
      };
    }
    const mediaTypes = Object.keys(declared);
    if (mediaTypes.length === 0) {
      return { valid: true, issues: [] };
    }
    const mediaType = mediaTypeOf(options.contentType ?? 'application/json');
    const schema = declared[mediaType];
    if (!schema) {
      return {
        valid: false,
        issues: [
          {
            path: '',
            keyword: 'contentType',
            message: `content type ${mediaType} is not documented for ${operationId} ${code} (documented: ${mediaTypes.join(', ')})`,
          },
        ],
      };
    }
    const issues = issuesOf(schema, body);
    return { valid: issues.length === 0, issues };
  }

  /**
   * Checks the parts of a request to `operationId`: `path`, `query`, `headers` (names in any case)
   * and `body`, each already parsed into JSON values (no coercion: a numeric query parameter
   * must be a number). Issue paths start with the part, e.g. `/query/limit`.
   */
  function validateRequest(
    operationId: keyof Operations & string,
    parts: {
      path?: unknown;
      query?: unknown;
      headers?: Record<string, unknown>;
      body?: unknown;
      contentType?: string;
    },
  ): OperationResult {
    const { request } = operation(operationId);
    const issues: Issue[] = [];
    const prefixed = (prefix: string, found: Issue[]) =>
      found.map((issue) => ({ ...issue, path: `/${prefix}${issue.path}` }));
    if (request.path) {
      issues.push(...prefixed('path', issuesOf(request.path, parts.path ?? {})));
    }
    if (request.query) {
      issues.push(...prefixed('query', issuesOf(request.query, parts.query ?? {})));
    }
    if (request.header) {
      const headers = Object.fromEntries(
        Object.entries(parts.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      issues.push(...prefixed('headers', issuesOf(request.header, headers)));
    }
    if (request.body) {
      if (parts.body === undefined) {
        if (request.body.required) {
          issues.push({
            path: '/body',
            keyword: 'required',
            message: `${operationId} requires a request body`,
          });
        }
      } else {
        const mediaType = mediaTypeOf(parts.contentType ?? 'application/json');
        const schema = request.body.content[mediaType];
        if (schema) {
          issues.push(...prefixed('body', issuesOf(schema, parts.body)));
        } else {
          issues.push({
            path: '/body',
            keyword: 'contentType',
            message: `content type ${mediaType} is not accepted by ${operationId} (accepted: ${Object.keys(request.body.content).join(', ')})`,
          });
        }
      }
    }
    return { valid: issues.length === 0, issues };
  }

  return { check, errors, parse, validateResponse, validateRequest };
}
