import { cursorOf, type Json, objectOf, refOf, stringOf } from './plan-helpers.js';
import type { Exchange, QueryValue, RequestSpec, Session } from './session.js';
import type { Api, Violation } from './types.js';
import { showValue, valueAt } from './violations.js';

/**
 * Semantic checks: what a parameter promises about the response (a page holds at most `limit`
 * items, a filter holds for every item returned, `expand` turns an id into an object, `opts`
 * adds what it names, a cursor advances and the last page ends the walk, a write reads back as
 * written). Each is a check of its own, judged on a response an earlier check got (no request
 * of its own), so a report tells "answered in the wrong shape" from "ignored the parameter".
 */

/** The page size of every walk. */
export const WALK_LIMIT = 2;
/**
 * Pages a walk follows at most, the first included: with `limit=2`, at most 6 items and 3
 * requests per paginated list, whatever the size of a live account.
 */
export const WALK_CAP = 3;

/** A check's verdict: its violations, or why there was nothing to judge. */
export type Verdict = Violation[] | { skip: string };

/** A violation of what a parameter (or a write) promised, at `pointer` of the body. */
export function semantic(
  pointer: string,
  keyword: string,
  expected: string,
  actual: unknown,
): Violation {
  return {
    pointer,
    keyword,
    expected,
    actual: actual === undefined ? '(absent)' : showValue(actual),
  };
}

const is2xx = (exchange: Exchange | undefined): exchange is Exchange =>
  exchange !== undefined && exchange.status >= 200 && exchange.status <= 299;

/**
 * Records a semantic check judged on `exchange` (a response an earlier check got). `stateful`
 * (the default) marks what a server answering from the spec's examples cannot do (filter its
 * data, expand, walk): skipped in stateless mode. A verdict `{ skip }` records a skip with that
 * reason (nothing in the response to judge the promise by).
 */
export function judge(
  s: Session,
  api: Api,
  operationId: string,
  name: string,
  exchange: Exchange | undefined,
  assess: (body: unknown) => Verdict,
  options: { stateful?: boolean } = {},
): void {
  const stateful = options.stateful ?? true;
  if (is2xx(exchange) && !(stateful && s.stateless)) {
    const verdict = assess(exchange.body);
    if (!Array.isArray(verdict)) {
      s.skip(api, operationId, name, verdict.skip);
      return;
    }
    s.state(api, operationId, name, exchange, () => verdict, { stateful });
    return;
  }
  // The session skips it: stateless mode, or the request it judges got no 2xx response.
  s.state(api, operationId, name, exchange, () => [], { stateful });
}

/** The items of a list response (`body[key]`) with their pointers; `key: ''` is the body itself. */
export function itemsOf(body: unknown, key: string): { pointer: string; item: Json }[] {
  if (key === '') {
    const item = objectOf(body);
    return item ? [{ pointer: '', item }] : [];
  }
  const list = objectOf(body)?.[key];
  if (!Array.isArray(list)) {
    return [];
  }
  return list.flatMap((value, index) => {
    const item = objectOf(value);
    return item ? [{ pointer: `/${key}/${index}`, item }] : [];
  });
}

/** Every object of an array under a key named `key` anywhere in `value`, with its pointer. */
export function collectAt(
  value: unknown,
  key: string,
  pointer = '',
  found: { pointer: string; item: Json }[] = [],
): { pointer: string; item: Json }[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      collectAt(item, key, `${pointer}/${index}`, found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const at = `${pointer}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (name === key && Array.isArray(item)) {
        item.forEach((element, index) => {
          const object = objectOf(element);
          if (object) {
            found.push({ pointer: `${at}/${index}`, item: object });
          }
        });
      }
      collectAt(item, key, at, found);
    }
  }
  return found;
}

// --- limit -----------------------------------------------------------------------------------

/**
 * `limit=n bounds the page`: `body[key]` holds at most `limit` items; with `echo` (v1), the
 * page size the response says it applied (`limit`) is `limit` too. A pure function of the one
 * response: it runs in stateless mode.
 */
export function boundsPage(key: string, limit: number, echo = false) {
  return (body: unknown): Violation[] => {
    const page = objectOf(body);
    const list = page?.[key];
    return [
      ...(Array.isArray(list) && list.length > limit
        ? [
            semantic(
              `/${key}`,
              'limit',
              `at most ${limit} items (limit=${limit})`,
              `${list.length} items`,
            ),
          ]
        : []),
      ...(echo && page?.limit !== undefined && page.limit !== limit
        ? [semantic('/limit', 'limit', `${limit} (the page size applied)`, page.limit)]
        : []),
    ];
  };
}

/** `total` counts the items of this page (getDeliveryTasks: "not the overall total"). */
export function countsPage(key: string) {
  return (body: unknown): Violation[] => {
    const page = objectOf(body);
    const list = page?.[key];
    return Array.isArray(list) && page?.total !== list.length
      ? [
          semantic(
            '/total',
            'total',
            `${list.length} (the number of ${key} on this page)`,
            page?.total,
          ),
        ]
      : [];
  };
}

// --- filters ---------------------------------------------------------------------------------

/**
 * A filter holds for every item returned: `accept(value at field)` for each item of
 * `body[key]` (`key: ''`: the body itself). `field` is a pointer into the item (`status`,
 * `project/name`). An empty page holds vacuously.
 */
export function holds(
  key: string,
  field: string,
  accept: (value: unknown) => boolean,
  expected: string,
  keyword = 'filter',
) {
  return (body: unknown): Violation[] =>
    itemsOf(body, key).flatMap(({ pointer, item }) => {
      const value = valueAt(item, `/${field}`);
      return accept(value) ? [] : [semantic(`${pointer}/${field}`, keyword, expected, value)];
    });
}

/** The id of a reference (`"p_1"` or `{ id: "p_1" }`) is `id`. */
export const refIs = (id: string) => (value: unknown) => refOf(value) === id;
/** The value is `expected`. */
export const equals = (expected: unknown) => (value: unknown) => value === expected;

/** All verdicts together: skipped only when every one of them is. */
export function all(...assessments: ((body: unknown) => Verdict)[]) {
  return (body: unknown): Verdict => {
    const verdicts = assessments.map((assess) => assess(body));
    const judged = verdicts.filter((verdict): verdict is Violation[] => Array.isArray(verdict));
    if (judged.length === 0) {
      return verdicts[0] ?? [];
    }
    return judged.flat();
  };
}

/**
 * `assess` over every page of a walk (a filter must hold on each page, not only the first); a
 * violation names its page. Judged as of the last page.
 */
export function acrossPages(pages: Exchange[], assess: (body: unknown) => Verdict) {
  return (): Verdict => {
    const verdicts = pages.map((page) => assess(page.body));
    const judged = verdicts.flatMap((verdict, index) =>
      Array.isArray(verdict)
        ? verdict.map((violation) =>
            pages.length > 1
              ? {
                  ...violation,
                  expected: `${violation.expected} (page ${index + 1} of ${pages.length})`,
                }
              : violation,
          )
        : [],
    );
    return judged.length === 0 && verdicts.every((verdict) => !Array.isArray(verdict))
      ? (verdicts[0] ?? [])
      : judged;
  };
}

/**
 * A value of `field` to filter by that the first page does not hold throughout, so that a server
 * ignoring the filter (answering with the unfiltered first page) is caught: `preferred` when
 * some item of the first page has another value, else another value seen in the listing, else
 * `preferred` anyway.
 */
export function telling(first: Json[], seen: Json[], field: string, preferred: string): string {
  if (first.some((item) => item[field] !== preferred)) {
    return preferred;
  }
  return (
    seen.map((item) => stringOf(item[field])).find((value) => value && value !== preferred) ??
    preferred
  );
}

// --- time windows ----------------------------------------------------------------------------

const SECOND = 1000;
const instantOf = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/** A window asked for: its query values and its bounds. */
export interface TimeWindow {
  after: string;
  before: string;
  from: number;
  to: number;
}

/**
 * A window of two seconds around the median of `times` (date-times seen in earlier responses of
 * the same listing), or undefined when there is none. The median has items seen on both sides,
 * so a server that ignores either bound answers with one of them and is caught; one that honours
 * both answers with the items around the median.
 */
export function windowAround(times: unknown[]): TimeWindow | undefined {
  const sorted = times
    .map(instantOf)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median === undefined) {
    return undefined;
  }
  const from = median - SECOND;
  const to = median + SECOND;
  return { after: new Date(from).toISOString(), before: new Date(to).toISOString(), from, to };
}

/**
 * The window holds for every item: `field` (a date-time) is inside it. The bounds themselves are
 * tolerated (the spec says "after" and "before"; a server that keeps more precision than it
 * shows may include an item the rounding puts on a bound).
 */
export function inside(key: string, field: string, window: TimeWindow, names: string) {
  return holds(
    key,
    field,
    (value) => {
      const at = instantOf(value);
      return at >= window.from && at <= window.to;
    },
    `a ${field.split('/').at(-1)} from ${window.after} to ${window.before} (${names})`,
  );
}

// --- expand ----------------------------------------------------------------------------------

const plural = (fields: readonly string[]) =>
  fields.length === 1 ? fields[0] : `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}`;

/** The check name of `expand`: `expand=project,batch turns project and batch into objects`. */
export function expandName(expand: readonly string[], others: readonly string[] = []): string {
  const objects = expand.length === 1 ? 'an object' : 'objects';
  const rest =
    others.length === 0
      ? ''
      : ` and leaves ${plural(others)} ${others.length === 1 ? 'an id' : 'ids'}`;
  return `expand=${expand.join(',')} turns ${plural(expand)} into ${objects}${rest}`;
}

/** The check name of no `expand`: `without expand, project and batch stay ids`. */
export const unexpandedName = (fields: readonly string[]) =>
  `without expand, ${plural(fields)} ${fields.length === 1 ? 'stays an id' : 'stay ids'}`;

/**
 * `expand` turns each field of `expand` into an object (with a string `id`, the id the same
 * item has without expand when `ids` knows it) and leaves each field of `others` an id. Absent
 * fields are the schema's business (a task without a batch).
 */
export function expands(
  key: string,
  expand: readonly string[],
  others: readonly string[] = [],
  ids: (pointer: string, field: string) => string | undefined = () => undefined,
) {
  return (body: unknown): Verdict => {
    const items = itemsOf(body, key);
    if (items.length === 0) {
      return { skip: `no ${key === '' ? 'body' : key} in the response to judge expand by` };
    }
    return items.flatMap(({ pointer, item }) => [
      ...expand.flatMap((field) => {
        const value = item[field];
        if (value === undefined) {
          return [];
        }
        const object = objectOf(value);
        if (!object || stringOf(object.id) === undefined) {
          return [
            semantic(
              `${pointer}/${field}`,
              'expand',
              `the ${field} as an object (expand=${field})`,
              value,
            ),
          ];
        }
        const id = ids(pointer, field);
        return id !== undefined && object.id !== id
          ? [
              semantic(
                `${pointer}/${field}/id`,
                'expand',
                `${JSON.stringify(id)} (the id it expands)`,
                object.id,
              ),
            ]
          : [];
      }),
      ...others.flatMap((field) => {
        const value = item[field];
        return value === undefined || typeof value === 'string'
          ? []
          : [semantic(`${pointer}/${field}`, 'expand', `the ${field}'s id (not in expand)`, value)];
      }),
    ]);
  };
}

/** The ids of an unexpanded response, by pointer and field, for {@link expands}. */
export function idsOf(exchange: Exchange | undefined) {
  return (pointer: string, field: string) =>
    is2xx(exchange) ? refOf(valueAt(exchange.body, `${pointer}/${field}`)) : undefined;
}

// --- opts ------------------------------------------------------------------------------------

/** `opts=annotation_details adds detailed annotations`: every annotation has its `type`. */
export function detailedAnnotations(body: unknown): Verdict {
  const annotations = collectAt(body, 'annotations');
  if (annotations.length === 0) {
    return { skip: 'no annotation in the response to judge opts=annotation_details by' };
  }
  return annotations
    .filter(({ item }) => typeof item.type !== 'string')
    .map(({ pointer, item }) =>
      semantic(
        pointer,
        'opts',
        'a detailed annotation, with its type (opts=annotation_details)',
        item,
      ),
    );
}

/** `opts=model_parameters adds model parameters`: the model's messages carry them. */
export function modelParameters(body: unknown): Verdict {
  const messages = collectAt(body, 'messages').filter(({ item }) => item.role !== 'user');
  if (messages.length === 0) {
    return { skip: "no model's message in the response to judge opts=model_parameters by" };
  }
  return messages.some(({ item }) => objectOf(item.model_parameters))
    ? []
    : [
        semantic(
          `${messages[0]?.pointer}/model_parameters`,
          'opts',
          "model_parameters on the model's messages (opts=model_parameters)",
          undefined,
        ),
      ];
}

/** `opts=submissions adds submissions`: the threads carry them. */
export function submissions(body: unknown): Verdict {
  const threads = collectAt(body, 'threads');
  if (threads.length === 0) {
    return { skip: 'no thread in the response to judge opts=submissions by' };
  }
  return threads.some(({ item }) => Array.isArray(item.submissions))
    ? []
    : [
        semantic(
          `${threads[0]?.pointer}/submissions`,
          'opts',
          'submissions on the threads (opts=submissions)',
          undefined,
        ),
      ];
}

/**
 * `opts=attachment_details adds attachment details`: some attachment has a field the same
 * attachment lacks without opts (in `plain`, the same items read without opts), or, without
 * such a read, one of the detail fields (`scale_url`, `file_size_in_bytes`).
 */
export function attachmentDetails(plain: Exchange | undefined) {
  return (body: unknown): Verdict => {
    const attachments = collectAt(body, 'attachments');
    if (attachments.length === 0) {
      return { skip: 'no attachment in the response to judge opts=attachment_details by' };
    }
    const more = attachments.some(({ pointer, item }) => {
      const short = is2xx(plain) ? objectOf(valueAt(plain.body, pointer)) : undefined;
      return short
        ? Object.keys(item).some((field) => !(field in short))
        : item.scale_url !== undefined || item.file_size_in_bytes !== undefined;
    });
    return more
      ? []
      : [
          semantic(
            attachments[0]?.pointer ?? '',
            'opts',
            'an attachment with more detail than without opts (opts=attachment_details)',
            attachments[0]?.item,
          ),
        ];
  };
}

/**
 * Without `opts`, the short form: annotations without `type` (`AnnotationSummary`), threads
 * without `submissions`, users' messages without `model_parameters`.
 */
export function shortForm(body: unknown): Verdict {
  const annotations = collectAt(body, 'annotations');
  const threads = collectAt(body, 'threads');
  if (annotations.length === 0 && threads.length === 0) {
    return { skip: 'no annotation or thread in the response to judge the short form by' };
  }
  return [
    ...annotations
      .filter(({ item }) => item.type !== undefined)
      .map(({ pointer, item }) =>
        semantic(
          pointer,
          'opts',
          'a short annotation, key and value only (no opts=annotation_details)',
          item,
        ),
      ),
    ...threads
      .filter(({ item }) => item.submissions !== undefined)
      .map(({ pointer, item }) =>
        semantic(
          `${pointer}/submissions`,
          'opts',
          'no submissions (no opts=submissions)',
          item.submissions,
        ),
      ),
    ...collectAt(body, 'messages')
      .filter(({ item }) => item.role === 'user' && item.model_parameters !== undefined)
      .map(({ pointer, item }) =>
        semantic(
          `${pointer}/model_parameters`,
          'opts',
          "no model_parameters on a user's message (no opts=model_parameters)",
          item.model_parameters,
        ),
      ),
  ];
}

// --- cursors ---------------------------------------------------------------------------------

/** What a walk found: its pages (the first included) and how it ended. */
export interface Walk {
  pages: Exchange[];
  /** `last`: a page without a cursor; `cap`: stopped at {@link WALK_CAP}; `repeat`: a cursor came back; `broken`: a page got no 2xx response. */
  end: 'last' | 'cap' | 'repeat' | 'broken';
}

/** No cursor: absent, `null` or empty. */
const hasCursor = (body: unknown) => {
  const token = objectOf(body)?.next_token;
  return token !== undefined && token !== null && token !== '';
};

/**
 * Walks a paginated list from its first page, following `next_token` (with the same query) up
 * to {@link WALK_CAP} pages in all, each a check of its own (`next page`, `page 3 (walk cap 3)`),
 * then records two checks: the cursor advances (no id comes back, no cursor repeats) and the
 * last page ends the walk (no `next_token`; with `hasMore`, v1's `has_more: false`).
 */
export async function walk(
  s: Session,
  api: Api,
  operationId: string,
  first: Exchange | undefined,
  query: Record<string, QueryValue>,
  list: { key: string; id: string; hasMore?: boolean },
): Promise<Walk> {
  const pages: Exchange[] = is2xx(first) ? [first] : [];
  const tokens = new Set<string>();
  let end: Walk['end'] = 'broken';
  if (pages.length > 0 && !hasCursor(first?.body)) {
    end = 'last';
    s.skip(api, operationId, 'next page', 'the first page was the last (no next_token)');
  }
  while (pages.length > 0 && end === 'broken') {
    const page = pages.at(-1) as Exchange;
    if (!hasCursor(page.body)) {
      end = 'last';
      break;
    }
    const token = cursorOf(page);
    if (token === undefined || tokens.has(token)) {
      end = 'repeat';
      break;
    }
    if (pages.length >= WALK_CAP) {
      end = 'cap';
      break;
    }
    tokens.add(token);
    const name =
      pages.length === 1 ? 'next page' : `page ${pages.length + 1} (walk cap ${WALK_CAP})`;
    const next = await s.check(
      api,
      operationId,
      name,
      { query: { ...query, next_token: token } },
      'success',
    );
    if (!is2xx(next)) {
      break;
    }
    pages.push(next);
  }
  const last = pages.at(-1);
  const ids = (exchange: Exchange) =>
    itemsOf(exchange.body, list.key).map(({ pointer, item }) => ({
      pointer,
      id: stringOf(item[list.id]),
    }));

  judge(s, api, operationId, 'next_token advances: the next page repeats no id', last, () => {
    if (pages.length < 2) {
      return { skip: 'the first page was the last (no next_token)' };
    }
    const seen = new Set<string>();
    const found: Violation[] = [];
    pages.forEach((page, index) => {
      const onPage = ids(page);
      for (const { pointer, id } of onPage) {
        if (id !== undefined && seen.has(id)) {
          found.push(
            semantic(
              `${pointer}/${list.id}`,
              'cursor',
              `an id no earlier page of the walk had (page ${index + 1} of ${pages.length})`,
              id,
            ),
          );
        }
      }
      for (const { id } of onPage) {
        if (id !== undefined) {
          seen.add(id);
        }
      }
    });
    if (list.hasMore) {
      for (const page of pages) {
        const more = objectOf(page.body)?.has_more;
        if (more !== hasCursor(page.body)) {
          found.push(
            semantic('/has_more', 'cursor', 'true exactly when a next_token follows', more),
          );
        }
      }
    }
    if (end === 'repeat') {
      found.push(
        semantic(
          '/next_token',
          'cursor',
          'a cursor no earlier page of the walk had',
          objectOf(last?.body)?.next_token,
        ),
      );
    }
    return found;
  });

  const lastPageName = list.hasMore
    ? 'the last page has has_more: false and no next_token, and ends the walk'
    : 'the last page has no next_token and ends the walk';
  judge(s, api, operationId, lastPageName, last, (body) => {
    if (end === 'cap') {
      return {
        skip: `the walk reached its cap (${WALK_CAP} pages of ${WALK_LIMIT}) before the last page`,
      };
    }
    if (end === 'broken') {
      return { skip: 'a page of the walk got no 2xx response' };
    }
    if (end === 'repeat') {
      return [
        semantic(
          '/next_token',
          'cursor',
          'no next_token on the last page (a walk must end, not come back)',
          objectOf(body)?.next_token,
        ),
      ];
    }
    return list.hasMore ? lastV1Page(body) : [];
  });
  return { pages, end };
}

/** v1's last page: `has_more: false`, no `next_token`. */
export function lastV1Page(body: unknown): Violation[] {
  const page = objectOf(body);
  return [
    ...(page?.has_more === false
      ? []
      : [semantic('/has_more', 'cursor', 'false (the last page)', page?.has_more)]),
    ...(hasCursor(body)
      ? [semantic('/next_token', 'cursor', 'absent or null (the last page)', page?.next_token)]
      : []),
  ];
}

/** Every item of the pages of a walk (and of other responses of the same listing). */
export const itemsOfAll = (exchanges: (Exchange | undefined)[], key: string): Json[] =>
  exchanges
    .filter(is2xx)
    .flatMap((exchange) => itemsOf(exchange.body, key).map(({ item }) => item));

// --- negative checks -------------------------------------------------------------------------

/** The name of a negative check: `limit=0 is rejected (4xx) with the documented error body`. */
export const refusalName = (what: string, expect: 'rejected' | number) =>
  `${what} ${expect === 'rejected' ? 'is rejected (4xx)' : `is answered ${expect}`} with the documented error body`;

/**
 * What the error bodies promise beyond their schema (which the session validates for every
 * status): Scale's `status_code`, when present, repeats the HTTP status; SGP's 422
 * (`HTTPValidationError`) names the part of the request at fault in each `loc`.
 */
export function errorBody(api: Api, part?: 'body' | 'query' | 'path') {
  return (exchange: Exchange): Violation[] => {
    const body = objectOf(exchange.body);
    if (api === 'scale') {
      const code = body?.status_code;
      return code === undefined || code === exchange.status
        ? []
        : [
            semantic(
              '/status_code',
              'errorBody',
              `${exchange.status} (the HTTP status repeated)`,
              code,
            ),
          ];
    }
    const detail = body?.detail;
    if (exchange.status !== 422 || part === undefined || !Array.isArray(detail)) {
      return [];
    }
    return detail.some((entry) => valueAt(entry, '/loc/0') === part)
      ? []
      : [
          semantic(
            '/detail',
            'errorBody',
            `a failure located in the request's ${part} (loc[0])`,
            detail,
          ),
        ];
  };
}

/** A negative check: `spec` must be refused with `expect` and the documented error body. */
export function refuse(
  s: Session,
  api: Api,
  operationId: string,
  what: string,
  spec: RequestSpec,
  expect: 'rejected' | number = 'rejected',
  options: { stateful?: boolean; part?: 'body' | 'query' | 'path'; suffix?: string } = {},
): Promise<Exchange | undefined> {
  return s.check(
    api,
    operationId,
    `${refusalName(what, expect)}${options.suffix ?? ''}`,
    spec,
    expect,
    {
      ...(options.stateful ? { stateful: true } : {}),
      // Where SGP's 422 locates the failure is the server's reading of the request; a stateless
      // mock answers with its example.
      assert: errorBody(api, s.stateless ? undefined : options.part),
    },
  );
}

/** Negative checks of a Scale read: each query must be refused with `expect` (default a 4xx). */
export async function refused(
  s: Session,
  operationId: string,
  cases: [what: string, query: Record<string, QueryValue>, expect?: number][],
): Promise<void> {
  for (const [what, query, expect] of cases) {
    await refuse(s, 'scale', operationId, what, { query }, expect ?? 'rejected');
  }
}
