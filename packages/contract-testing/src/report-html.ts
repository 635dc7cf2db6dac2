// The report as one self-contained HTML page: inline CSS, no script, no external resource, so it
// opens from `file://`, offline, as a CI artifact. Every string in it comes from the (already
// redacted) report and is escaped: a server's error message is text, never markup.
import type { CheckResult, OperationReport, Report, Violation } from './types.js';

/**
 * Text escaped for HTML (element content and quoted attributes). Control characters other
 * than tab, newline and carriage return, and unpaired surrogates, become U+FFFD.
 */
export function escapeHtml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;')
  );
}

/** Any value as escaped text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  if (typeof value === 'string') {
    return escapeHtml(value);
  }
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return escapeHtml(shown);
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

function duration(ms: number): string {
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const apiNames = { scale: 'Scale', sgp: 'SGP', all: 'Scale and SGP' } as const;

type Verdict = 'failed' | 'passed' | 'skipped';
const verdictOf = (check: CheckResult): Verdict =>
  check.skipped !== undefined ? 'skipped' : check.ok ? 'passed' : 'failed';
/** A mark and a word: the verdict never rests on color alone. */
const badge = (verdict: Verdict) =>
  `<span class="badge ${verdict}">${{ failed: '✗', passed: '✓', skipped: '–' }[verdict]} ${verdict}</span>`;

const statusOf = (check: CheckResult) =>
  check.skipped !== undefined ? '' : check.status === null ? 'no response' : String(check.status);

function operationVerdict(operation: OperationReport): Verdict {
  if (operation.checks.some((check) => verdictOf(check) === 'failed')) {
    return 'failed';
  }
  return operation.checks.every((check) => check.skipped !== undefined) ? 'skipped' : 'passed';
}

const STYLE = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4a4a; --bg: #fff; --panel: #f5f6f8;
  --line: #d5d8de; --fail: #a4161a; --fail-bg: #fdecec; --pass: #1e6b34; --pass-bg: #e8f5ec;
  --skip: #50555c; --skip-bg: #eef0f2; --accent: #1a4fa0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 0; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .875rem; }
code, .wrap { overflow-wrap: anywhere; word-break: break-word; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0;
  padding: .75rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.meta dt { font-weight: 600; color: var(--muted); }
nav { margin: .6rem 0 0; }
.meta dd { margin: 0; }
.outcome { margin: 1rem 0; padding: .75rem 1rem; border-radius: 6px; border: 2px solid; font-weight: 600; }
.outcome p { margin: 0; }
.outcome .cause { font-weight: 400; margin-top: .25rem; }
.outcome.failed { color: var(--fail); background: var(--fail-bg); }
.outcome.passed { color: var(--pass); background: var(--pass-bg); }
.outcome.skipped { color: var(--skip); background: var(--skip-bg); }
.totals { display: flex; flex-wrap: wrap; gap: .75rem; margin: 0; }
.totals div { min-width: 8rem; padding: .5rem 1rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
.totals dt { font-size: .85rem; color: var(--muted); font-weight: 600; }
.totals dd.parts { font-size: .8rem; font-weight: 400; color: var(--muted); }
.totals dd { margin: 0; font-size: 1.75rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.totals .failed { border-color: var(--fail); background: var(--fail-bg); }
.totals .failed dd, .totals .failed dt { color: var(--fail); }
.totals .passed dd { color: var(--pass); }
.badge { display: inline-block; white-space: nowrap; padding: 0 .45rem; border-radius: 4px;
  font-weight: 600; font-size: .85rem; border: 1px solid; }
.badge.failed { color: var(--fail); background: var(--fail-bg); }
.badge.passed { color: var(--pass); background: var(--pass-bg); }
.badge.skipped { color: var(--skip); background: var(--skip-bg); }
.failure { border: 1px solid var(--fail); border-left-width: 6px; border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; }
.failure h3 { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.failure .request { margin: .35rem 0 .6rem; }
.failure h4 { font-size: .9rem; margin: .75rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); }
thead th { font-size: .85rem; color: var(--muted); background: var(--panel); white-space: nowrap; }
tbody th { font-weight: 500; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.violations col.pointer { width: 18%; } .violations col.keyword { width: 11%; }
.violations col.expected { width: 31%; } .violations col.actual { width: 40%; }
pre { margin: 0; padding: .6rem .8rem; background: #1f2328; color: #f0f3f6; border-radius: 6px;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; user-select: all; }
#only-failures { width: 1.15rem; height: 1.15rem; margin: 0 .4rem 0 0; vertical-align: -.2rem;
  accent-color: var(--fail); }
#only-failures + label { font-weight: 600; cursor: pointer; }
.hint { color: var(--muted); font-size: .85rem; margin-left: .75rem; }
.operations { margin-top: 1rem; }
.operation { margin: 0 0 1.25rem; }
.operation h3 { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; padding: .35rem 0; }
.operation .endpoint { color: var(--muted); font-weight: 400; }
.operation .counts { color: var(--muted); font-weight: 400; font-size: .85rem; margin-left: auto; }
.checks col.result { width: 7.5rem; } .checks col.check { width: 30%; } .checks col.status { width: 6.5rem; }
.checks .reason { color: var(--muted); }
tr.failed td, tr.failed th { background: var(--fail-bg); }
.muted { color: var(--muted); }
/* The filter: with the box ticked, only failed checks (and the operations holding them) show. */
#only-failures:checked ~ .operations tr.passed,
#only-failures:checked ~ .operations tr.skipped,
#only-failures:checked ~ .operations .operation:not(.failed) { display: none; }
#only-failures:checked ~ .operations .none-failed { display: block; }
.none-failed { display: none; }
footer { max-width: 72rem; margin: 2rem auto; padding: 0 1.25rem; color: var(--muted); font-size: .85rem; }
/* Narrow screens: each row of a table becomes a block, each cell a labelled line. */
@media (max-width: 40rem) {
  table, tbody, tr, td, tbody th, caption { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  td, tbody th { border: 0; padding: .1rem .5rem; }
  td[data-label]::before { content: attr(data-label) ": "; font: 600 .85rem system-ui, sans-serif; color: var(--muted); }
  .hint { display: block; margin: .25rem 0 0; }
  .operation .counts { margin-left: 0; }
}
@media print { #only-failures, #only-failures + label, .hint { display: none; } }
`;

function violationRows(violations: readonly Violation[]): string {
  return violations
    .map(
      (violation) =>
        `<tr><td data-label="JSON pointer"><code>${violation.pointer === '' ? '(response)' : text(violation.pointer)}</code></td>` +
        `<td data-label="Keyword"><code>${text(violation.keyword)}</code></td>` +
        `<td data-label="Expected" class="wrap">${text(violation.expected)}</td>` +
        `<td data-label="Actual"><code>${text(violation.actual)}</code></td></tr>`,
    )
    .join('\n');
}

function failureCard(operation: OperationReport, check: CheckResult, index: number): string {
  const { reproducer, fuzz } = check;
  const parts = [
    `<article class="failure" id="failure-${index}" data-operation="${text(operation.operationId)}" aria-labelledby="failure-${index}-title">`,
    `<h3 id="failure-${index}-title">${badge('failed')} <span class="mono">${text(operation.operationId)}</span> <span>${text(check.name)}</span></h3>`,
    `<p class="request"><span class="muted">Request:</span> <code>${text(check.request)}</code> → <strong>${text(statusOf(check))}</strong></p>`,
  ];
  if (check.violations.length > 0) {
    parts.push(
      '<table class="violations">',
      '<colgroup><col class="pointer"><col class="keyword"><col class="expected"><col class="actual"></colgroup>',
      `<caption>${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}</caption>`,
      '<thead><tr><th scope="col">JSON pointer</th><th scope="col">Keyword</th><th scope="col">Expected</th><th scope="col">Actual</th></tr></thead>',
      `<tbody>\n${violationRows(check.violations)}\n</tbody>`,
      '</table>',
    );
  }
  if (fuzz) {
    parts.push(
      `<p class="request"><span class="muted">Fuzz:</span> ${text(fuzz.kind)} generated requests, seed ${text(String(fuzz.seed))}, ${text(String(fuzz.examples))} example${fuzz.examples === 1 ? '' : 's'}, ${text(String(fuzz.shrinks))} shrinking request${fuzz.shrinks === 1 ? '' : 's'}${present(fuzz.mutation) ? `; the request breaks <code>${text(fuzz.mutation)}</code>` : ''}</p>`,
    );
  }
  if (present(reproducer)) {
    parts.push(
      `<h4 id="failure-${index}-reproducer">Reproducer</h4>`,
      `<pre tabindex="0" aria-labelledby="failure-${index}-reproducer"><code>${text(reproducer)}</code></pre>`,
    );
  }
  parts.push('</article>');
  return parts.join('\n');
}

function checkRow(check: CheckResult, failureIndex: number | undefined): string {
  const verdict = verdictOf(check);
  const detail =
    verdict === 'skipped'
      ? `<td class="reason">skipped: ${text(check.skipped)}</td>`
      : `<td data-label="Request"><code>${text(check.request)}</code>${failureIndex === undefined ? '' : ` <a href="#failure-${failureIndex}">details</a>`}</td>`;
  return `<tr class="check ${verdict}"><td>${badge(verdict)}</td><th scope="row" class="wrap">${text(check.name)}</th>${detail}<td${check.skipped === undefined ? ' data-label="Status"' : ''}>${text(statusOf(check))}</td></tr>`;
}

/** Under the skipped count: how many were not counted or not run, when any. */
function skippedParts(report: Report): string {
  const { notCounted = 0, notRun = 0 } = report.totals;
  const parts = [
    ...(notCounted > 0 ? [`${notCounted} not counted (no positive control)`] : []),
    ...(notRun > 0 ? [`${notRun} not run`] : []),
  ];
  return parts.length > 0 ? `<dd class="parts">${text(parts.join('; '))}</dd>` : '';
}

/** The banner over the totals: the verdict of the run, and how it ended when it did not simply end. */
function outcomeBlock(report: Report): string {
  const { outcome, cause } = report;
  const { checks, failed, skipped } = report.totals;
  const plural = failed === 1 ? '' : 's';
  let verdict: Verdict;
  let headline: string;
  if (failed > 0) {
    verdict = 'failed';
    headline = `✗ ${failed} check${plural} failed: the server does not match the spec`;
  } else if (checks - skipped > 0) {
    verdict = 'passed';
    headline = '✓ Every check that ran passed';
  } else {
    verdict = 'skipped';
    headline = '– No check ran';
  }
  // How a run that did not simply end went: never a clean pass, whatever the counts say.
  const ending: Partial<Record<string, string>> = {
    'could-not-start': 'Could not start: no check ran',
    deadline: 'Stopped early at the deadline: a partial report',
    interrupted: 'Interrupted: a partial report',
    'suite-error': 'The suite itself failed: a partial report',
  };
  const lines = [`<p>${headline}</p>`];
  const how = outcome === undefined ? undefined : ending[outcome];
  if (how !== undefined) {
    verdict = 'failed';
    lines.unshift(`<p>✗ ${text(how)}</p>`);
    if (outcome === 'could-not-start' && checks - skipped === 0 && failed === 0) {
      lines.pop();
    }
  } else if (present(outcome) && outcome !== 'conforms' && outcome !== 'violations') {
    lines.push(`<p class="cause">Outcome: <strong>${text(outcome)}</strong></p>`);
  }
  if (present(cause)) {
    lines.push(`<p class="cause">Cause: ${text(cause)}</p>`);
  }
  return `<div class="outcome ${verdict}">\n${lines.join('\n')}\n</div>`;
}

/**
 * The report as one self-contained HTML page: the run (target, APIs, mock or live, writes,
 * stateless, start, duration, requests), the totals and outcome, the failed checks first with
 * each violation's JSON pointer, keyword, expected and actual value (and a reproducer when the
 * check has one), then every operation with its checks; a checkbox shows only failures (CSS,
 * no script). Every string is escaped; the page loads nothing.
 */
export function toHtml(report: Report): string {
  const { checks, passed, failed, skipped } = report.totals;
  const failures: { operation: OperationReport; check: CheckResult }[] = [];
  const indexOf = new Map<CheckResult, number>();
  for (const operation of report.operations) {
    for (const check of operation.checks) {
      if (verdictOf(check) === 'failed') {
        failures.push({ operation, check });
        indexOf.set(check, failures.length);
      }
    }
  }
  const target = `${text(report.baseUrl)}${report.mock ? ' <span class="muted">(the bundled mock server)</span>' : ''}`;
  const meta: [string, string][] = [
    [report.sgpBaseUrl ? 'Scale API' : 'Target', `<code>${target}</code>`],
    ...(report.sgpBaseUrl
      ? ([['SGP API', `<code>${text(report.sgpBaseUrl)}</code>`]] as [string, string][])
      : []),
    ['APIs', text(apiNames[report.api] ?? report.api)],
    [
      'Server',
      report.mock ? 'mock (started by this run)' : 'live (the URL above, not the bundled mock)',
    ],
    ['Writes', report.writes ? 'allowed (write operations ran)' : 'not allowed (reads only)'],
    ['Stateless', report.stateless ? 'yes: checks that need server state were skipped' : 'no'],
    ['Started at', `<time datetime="${text(report.startedAt)}">${text(report.startedAt)}</time>`],
    ['Duration', text(duration(report.durationMs))],
    ['Requests', text(String(report.requests))],
  ];
  if (report.deadlineMs !== undefined) {
    meta.push(['Deadline', text(duration(report.deadlineMs))]);
  }
  if (report.preflight && report.preflight.length > 0) {
    meta.push([
      'Preflight',
      report.preflight
        .map(
          (item) =>
            `${badge(item.ok ? 'passed' : 'failed')} ${text(apiNames[item.api] ?? item.api)}: <code>${text(item.request)}</code> → ${text(item.status === null ? 'no response' : String(item.status))}${item.cause ? ` (${text(item.cause)})` : ''}`,
        )
        .join('<br>'),
    ]);
  }
  const { fuzz } = report;
  if (fuzz) {
    meta.push([
      'Fuzz',
      `seed ${text(String(fuzz.seed))} (replay: <code>--fuzz --seed ${text(String(fuzz.seed))}</code>), ${text(String(fuzz.maxExamples))} examples per operation and kind, ${text(String(fuzz.requests))} requests, ${text(String(fuzz.findings))} finding${fuzz.findings === 1 ? '' : 's'}, ${text(String(fuzz.refused))} valid request${fuzz.refused === 1 ? '' : 's'} refused by a rule the spec does not state`,
    ]);
  }
  const verdictTitle = failed > 0 ? `✗ ${failed} failed` : `✓ ${passed} passed`;
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may load or run: no script, no request, whatever a string in the report says.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(`${verdictTitle}: scale-contracts verify ${report.api} against ${report.baseUrl}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>scale-contracts verify: ${text(apiNames[report.api] ?? report.api)}</h1>`,
    '<dl class="meta">',
    ...meta.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`),
    '</dl>',
    `<nav aria-label="Sections"><a href="#totals-title">Totals</a>${failures.length > 0 ? ` · <a href="#failures-title">Failures (${failures.length})</a>` : ''} · <a href="#operations-title">All checks</a></nav>`,
    '</header>',
    '<main>',
    '<section aria-labelledby="totals-title">',
    '<h2 id="totals-title">Totals</h2>',
    outcomeBlock(report),
    '<dl class="totals">',
    `<div class="checks"><dt>Checks</dt><dd>${text(String(checks))}</dd></div>`,
    `<div class="passed"><dt>✓ Passed</dt><dd>${text(String(passed))}</dd></div>`,
    `<div class="${failed > 0 ? 'failed' : 'none'}"><dt>✗ Failed</dt><dd>${text(String(failed))}</dd></div>`,
    `<div class="skipped"><dt>– Skipped</dt><dd>${text(String(skipped))}</dd>${skippedParts(report)}</div>`,
    '</dl>',
    '</section>',
  ];
  if (failures.length > 0) {
    parts.push(
      '<section aria-labelledby="failures-title">',
      `<h2 id="failures-title">Failures (${failures.length})</h2>`,
      ...failures.map(({ operation, check }, index) => failureCard(operation, check, index + 1)),
      '</section>',
    );
  }
  parts.push(
    '<section aria-labelledby="operations-title">',
    `<h2 id="operations-title">All checks, by operation (${report.operations.length})</h2>`,
    // The checkbox precedes `.operations` as a sibling: its `:checked` state drives the CSS.
    '<input type="checkbox" id="only-failures" aria-describedby="only-failures-hint">',
    '<label for="only-failures">Show only failed checks</label>',
    `<span class="hint" id="only-failures-hint">hides the ${passed} passed and ${skipped} skipped checks</span>`,
    '<div class="operations">',
    failed === 0 ? '<p class="none-failed">No check failed.</p>' : '',
    ...report.operations.map((operation) => operationSection(operation, indexOf)),
    report.operations.length === 0 ? '<p>No check ran.</p>' : '',
    '</div>',
    '</section>',
    '</main>',
    `<footer>Written by scale-contracts verify. ${escapeHtml(summary(report))}.</footer>`,
    '</body>',
    '</html>',
  );
  return `${parts.filter((part) => part !== '').join('\n')}\n`;
}

/** The text report's last line, in words. */
function summary(report: Report): string {
  const { checks, passed, failed, skipped, notCounted = 0, notRun = 0 } = report.totals;
  const parts = [
    ...(notCounted > 0 ? [`${notCounted} not counted: no positive control`] : []),
    ...(notRun > 0 ? [`${notRun} not run`] : []),
  ];
  return `${checks} checks: ${passed} passed, ${failed} failed, ${skipped} skipped${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

function operationSection(operation: OperationReport, indexOf: Map<CheckResult, number>): string {
  const verdict = operationVerdict(operation);
  const count = (wanted: Verdict) =>
    operation.checks.filter((check) => verdictOf(check) === wanted).length;
  const counts = [
    `${count('passed')} passed`,
    ...(count('failed') > 0 ? [`${count('failed')} failed`] : []),
    ...(count('skipped') > 0 ? [`${count('skipped')} skipped`] : []),
  ].join(', ');
  return [
    `<section class="operation ${verdict}" data-operation="${text(operation.operationId)}" aria-label="${text(operation.operationId)}">`,
    `<h3>${badge(verdict)} <span class="mono">${text(operation.operationId)}</span> <span class="endpoint mono">${text(operation.method)} ${text(operation.path)}</span> <span class="counts">${text(operation.api)} · ${counts}</span></h3>`,
    '<table class="checks">',
    '<colgroup><col class="result"><col class="check"><col class="request"><col class="status"></colgroup>',
    '<thead><tr><th scope="col">Result</th><th scope="col">Check</th><th scope="col">Request</th><th scope="col">Status</th></tr></thead>',
    '<tbody>',
    ...operation.checks.map((check) => checkRow(check, indexOf.get(check))),
    '</tbody>',
    '</table>',
    '</section>',
  ].join('\n');
}
