/** Reports of `drift`: console, JUnit (one test case per operation seen) and JSON. */
import type { DriftReport, Finding } from '../drift.js';
import { xml } from './index.js';

/** `Certificate.carbonFootprint`: the field under its schema's name when it has one. */
export function findingWhere(finding: Finding): string {
  const field = finding.field ?? '';
  if (!finding.schema) return field;
  const last = field.split('.').at(-1) ?? field;
  return `${finding.schema}.${last}${field !== last ? ` (at ${field})` : ''}`;
}

const entries = (finding: Finding) =>
  `entr${finding.entries.length === 1 ? 'y' : 'ies'} ${finding.entries.slice(0, 8).join(', ')}${finding.entries.length > 8 ? ', ...' : ''}`;

export const findingLine = (finding: Finding) =>
  `${finding.rule} ${finding.status} ${findingWhere(finding)}: ${finding.detail} (${entries(finding)})`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function driftConsoleReport(report: DriftReport): string {
  const lines = [
    `Drift of ${report.file} against the kit's spec: ${plural(report.exchanges, 'exchange')}, ${plural(report.operations.length, 'operation')}`,
  ];
  for (const row of report.operations) {
    const own = report.findings.filter((f) => f.api === row.api && f.operation === row.operation);
    lines.push(
      `${own.length === 0 ? 'ok  ' : 'DRIFT'} ${row.api} ${row.operation} (${plural(row.exchanges, 'exchange')})`,
    );
    for (const finding of own) lines.push(`       - ${findingLine(finding)}`);
  }
  const drifted = new Set(report.findings.map((f) => `${f.api} ${f.operation}`)).size;
  lines.push(
    '',
    report.findings.length === 0
      ? `Drift: none${report.ignored > 0 ? ` (${report.ignored} ignored)` : ''}.`
      : `Drift: ${plural(report.findings.length, 'finding')} in ${plural(drifted, 'operation')}${report.ignored > 0 ? `, ${report.ignored} ignored` : ''}. Accept a known one with --ignore <rule>[:<field|operation|value>].`,
  );
  return lines.join('\n');
}

export function driftJunitReport(report: DriftReport): string {
  const apis = [...new Set(report.operations.map((row) => row.api))];
  const suites = apis.map((api) => {
    const rows = report.operations.filter((row) => row.api === api);
    const cases = rows.map((row) => {
      const own = report.findings.filter((f) => f.api === api && f.operation === row.operation);
      const open = `    <testcase classname="drift.${api}" name="${xml(row.operation)}" time="0"`;
      if (own.length === 0) return `${open}/>`;
      const text = own.map(findingLine).join('\n');
      return `${open}>\n      <failure message="${xml(findingLine(own[0]!))}">${xml(text)}</failure>\n    </testcase>`;
    });
    const failures = rows.filter((row) =>
      report.findings.some((f) => f.api === api && f.operation === row.operation),
    ).length;
    return `  <testsuite name="drift.${api}" tests="${rows.length}" failures="${failures}" skipped="0" errors="0" time="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = new Set(report.findings.map((f) => `${f.api} ${f.operation}`)).size;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="drift" tests="${report.operations.length}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const driftJsonReport = (report: DriftReport) => `${JSON.stringify(report, null, 2)}\n`;
