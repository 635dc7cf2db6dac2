/** One parsed, validated request, as handlers see it. */
export interface MockRequest {
  /** Path parameters. */
  path: Record<string, string>;
  /** Query parameters, converted to the types the operation's schema declares. */
  query: Record<string, unknown>;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The SGP user the key stands for (SGP operations only). */
  caller: string;
}

/** What a handler answers: a status, a JSON body, extra headers. */
export interface Reply {
  status: number;
  /** A JSON value; `undefined` sends no body and no content type (a 302 redirect). */
  body: unknown;
  headers?: Record<string, string>;
  /**
   * What test mode validates instead of `body`, when the spec itself says a response is partial
   * (v1 `limited_response=true` entries lack fields `V1Task` requires; the spec says to validate
   * `docs` strictly only for full responses).
   */
  validateAs?: unknown;
}

export type Handler = (request: MockRequest) => Reply;

/** The clock: milliseconds since the epoch. */
export type Clock = () => number;

export const ok = (body: unknown): Reply => ({ status: 200, body });
