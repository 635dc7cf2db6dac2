import type { CheckResult, OperationReport, Report } from './types.js';
import { formatViolation } from './violations.js';

export { escapeHtml, toHtml } from './report-html.js';

export interface FormatTextOptions {
  /** Only the failed checks (and the operations holding them), then the totals. */
  failuresOnly?: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const operationFailed = (operation: OperationReport) => operation.checks.some((check) => !check.ok);

function checkLine(check: CheckResult, width: number): string {
  if (check.skipped !== undefined) {
    return `  - ${check.name.padEnd(width)}  skipped: ${check.skipped}`;
  }
  const status = check.status === null ? 'no response' : String(check.status);
  return `  ${check.ok ? '✓' : '✗'} ${check.name.padEnd(width)}  ${check.request} → ${status}`;
}

/**
 * A one-line summary: `62 checks: 61 passed, 1 failed, 0 skipped`; the skipped checks that
 * were not counted or not run are named: `… 30 skipped (14 not counted: no positive control;
 * 9 not run)`.
 */
export function summaryLine(report: Report): string {
  const { checks, passed, failed, skipped, notCounted = 0, notRun = 0 } = report.totals;
  const parts = [
    ...(notCounted > 0 ? [`${notCounted} not counted: no positive control`] : []),
    ...(notRun > 0 ? [`${notRun} not run`] : []),
  ];
  return `${checks} checks: ${passed} passed, ${failed} failed, ${skipped} skipped${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/**
 * How a run that did not simply end went, in one line (`could not start: …`, `stopped early
 * (deadline): …; partial report`, `suite error: …`), or undefined for a run that ended.
 */
export function outcomeLine(report: Report): string | undefined {
  switch (report.outcome) {
    case 'could-not-start':
      return `could not start: ${report.cause ?? 'the preflight failed'}`;
    case 'deadline':
    case 'interrupted':
      return `stopped early (${report.outcome}): ${report.cause ?? report.outcome}; partial report`;
    case 'suite-error':
      return `suite error: ${report.cause ?? 'the suite crashed'}; partial report`;
    default:
      return undefined;
  }
}

/**
 * The report as text, grouped by operation: a ✓, ✗ or - (skipped) line per check, and under
 * each failed check one line per violation with the JSON pointer, what the spec expects and
 * what came back.
 */
export function formatText(report: Report, options: FormatTextOptions = {}): string {
  const lines: string[] = [];
  const target = report.mock ? `${report.baseUrl} (the mock server)` : report.baseUrl;
  lines.push(`scale-contracts verify ${report.api} against ${target}`);
  if (report.sgpBaseUrl) {
    lines.push(`SGP at ${report.sgpBaseUrl}`);
  }
  lines.push(
    `${report.requests} requests in ${seconds(report.durationMs)}, writes ${report.writes ? 'allowed' : 'not allowed'}${report.stateless ? ', stateless' : ''}, started ${report.startedAt}`,
  );
  const outcome = outcomeLine(report);
  if (outcome !== undefined) {
    lines.push(outcome);
  }
  if (report.fuzz) {
    const { seed, requests, findings, refused } = report.fuzz;
    lines.push(
      `fuzz: seed ${seed} (replay: --fuzz --seed ${seed}), ${requests} requests, ${findings} finding${findings === 1 ? '' : 's'}, ${refused} valid request${refused === 1 ? '' : 's'} refused by rules the schema does not state`,
    );
  }
  for (const operation of report.operations) {
    if (options.failuresOnly && !operationFailed(operation)) {
      continue;
    }
    const mark = operationFailed(operation)
      ? '✗'
      : operation.checks.every((check) => check.skipped !== undefined)
        ? '-'
        : '✓';
    lines.push('', `${mark} ${operation.operationId}  ${operation.method} ${operation.path}`);
    const checks = options.failuresOnly
      ? operation.checks.filter((check) => !check.ok)
      : operation.checks;
    const width = Math.min(48, Math.max(...checks.map((check) => check.name.length)));
    for (const check of checks) {
      lines.push(checkLine(check, width));
      for (const violation of check.violations) {
        lines.push(`      ${formatViolation(violation)}`);
      }
      if (check.reproducer) {
        lines.push(`      reproduce: ${check.reproducer}`);
      }
    }
  }
  lines.push('', summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** The report as JSON (two-space indent). */
export function toJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Replaces what XML 1.0 cannot hold, even escaped, with U+FFFD: control characters other than
 * tab, newline and carriage return, U+FFFE, U+FFFF, and unpaired surrogates.
 */
function xmlCharacters(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(index, index + 2);
        index += 1;
      } else {
        out += '\uFFFD';
      }
    } else if (
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0xdc00 && code <= 0xdfff) ||
      code === 0xfffe ||
      code === 0xffff
    ) {
      out += '\uFFFD';
    } else {
      out += text[index];
    }
  }
  return out;
}

/** Text escaped for an XML attribute or element; characters XML cannot hold become U+FFFD. */
export function escapeXml(text: string): string {
  return xmlCharacters(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const attributes = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(
      ([name, value]) =>
        ` ${name}="${escapeXml(String(value)).replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;')}"`,
    )
    .join('');

/**
 * The report as JUnit XML: a `<testsuite>` per operation, a `<testcase>` per check (named
 * `check name — request`), a `<failure>` listing the violations of a failed check, and
 * `<skipped>` with the reason for a check that did not run.
 */
export function toJUnit(report: Report): string {
  const { checks, failed, skipped } = report.totals;
  // A run that could not start, was cut short or crashed is an error of its own, so that no CI
  // reads a partial or empty report as a pass.
  const outcome = outcomeLine(report);
  const errors = outcome === undefined ? 0 : 1;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `scale-contracts verify ${report.api}`, tests: checks + errors, failures: failed, errors, skipped, time: (report.durationMs / 1000).toFixed(3), timestamp: report.startedAt })}>`,
  ];
  if (outcome !== undefined) {
    lines.push(
      `  <testsuite${attributes({ name: 'scale-contracts.run', tests: 1, failures: 0, errors: 1, skipped: 0, timestamp: report.startedAt })}>`,
      `    <testcase${attributes({ classname: 'scale-contracts.run', name: `outcome: ${report.outcome}` })}>`,
      `      <error${attributes({ message: outcome, type: String(report.outcome) })}/>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  for (const operation of report.operations) {
    const suiteFailures = operation.checks.filter((check) => !check.ok).length;
    const suiteSkipped = operation.checks.filter((check) => check.skipped !== undefined).length;
    lines.push(
      `  <testsuite${attributes({ name: `${operation.api}.${operation.operationId}`, tests: operation.checks.length, failures: suiteFailures, errors: 0, skipped: suiteSkipped, timestamp: report.startedAt })}>`,
      `    <properties><property${attributes({ name: 'endpoint', value: `${operation.method} ${operation.path}` })}/></properties>`,
    );
    for (const check of operation.checks) {
      const name = check.request ? `${check.name} — ${check.request}` : check.name;
      const head = `    <testcase${attributes({ classname: `${operation.api}.${operation.operationId}`, name })}`;
      if (check.skipped !== undefined) {
        lines.push(
          `${head}>`,
          `      <skipped${attributes({ message: check.skipped })}/>`,
          '    </testcase>',
        );
      } else if (!check.ok) {
        const first = check.violations[0];
        const message = first
          ? `${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}: ${formatViolation(first)}`
          : 'failed';
        const body = [
          `${check.request} → ${check.status ?? 'no response'}`,
          ...check.violations.map(formatViolation),
          ...(check.reproducer ? [`reproduce: ${check.reproducer}`] : []),
        ].join('\n');
        lines.push(
          `${head}>`,
          `      <failure${attributes({ message, type: first?.keyword ?? 'contract' })}>${escapeXml(body)}</failure>`,
          '    </testcase>',
        );
      } else {
        lines.push(`${head}/>`);
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
