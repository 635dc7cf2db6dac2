import { describe, expect, it } from 'vitest';
import { escapeXml, formatText, toJson, toJUnit } from '../src/index.js';
import { sampleReport } from './support/sample-report.js';
import { xmlProblems } from './support/xml.js';

describe('formatText', () => {
  it('groups checks by operation, with the pointer, expectation and actual value of each violation', () => {
    const text = formatText(sampleReport());
    expect(text).toContain('scale-contracts verify scale against http://127.0.0.1:4010');
    expect(text).toContain('✓ getProjects  GET /v2/projects');
    expect(text).toMatch(/ {2}✓ list projects +GET \/v2\/projects → 200/);
    expect(text).toContain('✗ getTask  GET /v2/task');
    expect(text).toContain('      /created_at: type — expected: must be string; actual: 5');
    expect(text).toContain(
      '      /task_id: required — expected: must have required property task_id; actual: (absent)',
    );
    expect(text).toMatch(/ {2}- write checks +skipped: writes not allowed/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 checks: 1 passed, 1 failed, 1 skipped');
  });

  it('shows only failures with failuresOnly', () => {
    const text = formatText(sampleReport(), { failuresOnly: true });
    expect(text).toContain('✗ getTask');
    expect(text).not.toContain('getProjects');
    expect(text).not.toContain('createChatTask');
  });
});

describe('toJson', () => {
  it('round-trips the report', () => {
    expect(JSON.parse(toJson(sampleReport()))).toEqual(sampleReport());
  });
});

describe('toJUnit', () => {
  it('writes well-formed JUnit: a suite per operation, a case per check, failures and skips', () => {
    const xml = toJUnit(sampleReport());
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toMatch(
      /<testsuites name="scale-contracts verify scale" tests="3" failures="1" errors="0" skipped="1"/,
    );
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="scale.getTask" tests="1" failures="1"');
    expect(xml).toContain(
      'name="by task_id &lt;&amp;&gt; &quot;quoted&quot; — GET /v2/task?task_id=t&amp;x=1"',
    );
    expect(xml).toContain(
      '<failure message="2 violations: /created_at: type — expected: must be string; actual: 5" type="type">',
    );
    expect(xml).toContain(
      '/task_id: required — expected: must have required property task_id; actual: (absent)</failure>',
    );
    expect(xml).toContain('<skipped message="writes not allowed"/>');
  });

  it('keeps the XML well-formed whatever the server sent back', () => {
    const report = sampleReport();
    const failing = report.operations[1]?.checks[0];
    if (!failing) {
      throw new Error('sample report changed');
    }
    failing.violations = [
      {
        pointer: '/a~1b',
        keyword: 'type',
        expected: 'must be string',
        actual: '"]]></failure><x a=\'1\'>\u0000\u0007\u001b &amp; \uD800 line\nbreak"',
      },
    ];
    const xml = toJUnit(report);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).not.toContain('</failure><x');
  });

  it.each([
    ['<a & b>', '&lt;a &amp; b&gt;'],
    [`"it's"`, '&quot;it&apos;s&quot;'],
    ['nul\u0000 bell\u0007', 'nul\uFFFD bell\uFFFD'],
    ['tab\tnewline\n', 'tab\tnewline\n'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['pair \uD83D\uDE00 kept', 'pair \uD83D\uDE00 kept'],
  ])('escapeXml(%j)', (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});
