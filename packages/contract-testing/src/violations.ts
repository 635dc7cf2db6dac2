import type { Violation } from './types.js';

/** One issue as the validators report it. */
export interface Issue {
  path: string;
  keyword: string;
  message: string;
}

const MAX_ACTUAL = 200;

/** Cuts `text` to 200 characters, marking the cut with `…`. */
export function truncate(text: string, max = MAX_ACTUAL): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A value as JSON for a report, cut to 200 characters; `(absent)` for undefined. */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return '(absent)';
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return truncate(text);
}

const decodeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');

/** The value at JSON pointer `pointer` in `value`, or undefined when it is not there. */
export function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') {
    return value;
  }
  let current: unknown = value;
  for (const token of pointer.slice(1).split('/').map(decodeToken)) {
    if (Array.isArray(current)) {
      current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** Validator issues of a body as violations: pointer, keyword, what the spec expects, what came back. */
export function issuesToViolations(issues: readonly Issue[], body: unknown): Violation[] {
  return issues.map((issue) => ({
    pointer: issue.path,
    keyword: issue.keyword,
    expected: issue.message,
    actual: issue.keyword === 'required' ? '(absent)' : showValue(valueAt(body, issue.path)),
  }));
}

/** One violation as a line: `/tasks/0/created_at: type — expected: must be string; actual: 5`. */
export function formatViolation(violation: Violation): string {
  const where = violation.pointer === '' ? '(response)' : violation.pointer;
  return `${where}: ${violation.keyword} — expected: ${violation.expected}; actual: ${violation.actual}`;
}
