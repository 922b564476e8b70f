/** Reports of a contract run: console summary, JUnit XML for CI, JSON, and the coverage table. */
import type { CheckResult, CoverageRow, Report, RuleCoverageRow } from '../types.js';

const percent = (part: number, whole: number) =>
  whole === 0 ? '100%' : `${Math.round((part / whole) * 100)}%`;

/** Operations and declared statuses exercised, as a markdown table with percentages. */
export function coverageTable(rows: readonly CoverageRow[]): string {
  const lines = [
    '| API | operation | declared statuses | exercised | coverage |',
    '|---|---|---|---|---|',
  ];
  let statuses = 0;
  let hit = 0;
  let operationsHit = 0;
  for (const row of rows) {
    const exercised = row.exercised.filter((s) => row.declared.includes(s));
    statuses += row.declared.length;
    hit += exercised.length;
    if (row.exercised.length > 0) operationsHit++;
    lines.push(
      `| ${row.api} | ${row.operationId} | ${row.declared.join(' ')} | ${exercised.join(' ') || '-'} | ${percent(exercised.length, row.declared.length)} |`,
    );
  }
  lines.push(
    '',
    `Operations exercised: ${operationsHit}/${rows.length} (${percent(operationsHit, rows.length)}); declared statuses exercised: ${hit}/${statuses} (${percent(hit, statuses)}).`,
  );
  return lines.join('\n');
}

/** The rules and transitions a run fired, as a markdown table, with the ones it never reached. */
export function ruleCoverageTable(rows: readonly RuleCoverageRow[]): string {
  const lines = ['| API | rule or transition | fired |', '|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.api} | ${row.id} | ${row.count || '-'} |`);
  const hit = (kind: RuleCoverageRow['kind']) => {
    const all = rows.filter((row) => row.kind === kind);
    const fired = all.filter((row) => row.count > 0).length;
    return `${fired}/${all.length} (${percent(fired, all.length)})`;
  };
  lines.push('', `Transitions fired: ${hit('transition')}; rules fired: ${hit('rule')}.`);
  return lines.join('\n');
}

const mark: Record<CheckResult['outcome'], string> = {
  passed: 'ok  ',
  failed: 'FAIL',
  skipped: 'skip',
};

export function consoleReport(report: Report, options: { coverage?: boolean } = {}): string {
  const lines: string[] = [];
  const target = [report.target.programUrl, report.target.partnerCenterUrl]
    .filter(Boolean)
    .join(' + ');
  lines.push(
    `Contract run against ${target}${report.target.controlUrl ? ' (control API found)' : ''}`,
  );
  for (const result of report.results) {
    const reason = result.outcome === 'skipped' ? `  (${result.skipReason})` : '';
    lines.push(`${mark[result.outcome]} ${result.name}${reason}`);
    for (const problem of result.problems) lines.push(`       - ${problem}`);
  }
  const explored = report.explore;
  if (explored) {
    lines.push(
      `Explored with seed ${explored.seed}: ${explored.commands} of ${explored.budget} commands in ${explored.runs} sequences (${explored.shrinks} shrinks), ${explored.requests} requests${explored.interrupted ? ', stopped by the time limit' : ''}.`,
    );
    for (const note of explored.notes) lines.push(`  note: ${note}`);
  }
  if (report.replay) lines.push(report.replay.summary);
  if (options.coverage ?? true) {
    lines.push('', coverageTable(report.coverage));
    if (report.rules) lines.push('', ruleCoverageTable(report.rules));
  }
  const { passed, failed, skipped } = report.summary;
  lines.push(
    '',
    `Contracts: ${passed} passed, ${failed} failed, ${skipped} skipped (${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n');
}

/** Text as XML character data or an attribute value. */
export const xml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** JUnit XML: one test suite per API, one test case per check. */
export function junitReport(report: Report): string {
  const apis = [...new Set(report.results.map((r) => r.api))];
  const suites = apis.map((api) => {
    const results = report.results.filter((r) => r.api === api);
    const cases = results.map((r) => {
      const open = `    <testcase classname="contracts.${api}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.outcome === 'passed') return `${open}/>`;
      if (r.outcome === 'skipped')
        return `${open}>\n      <skipped message="${xml(r.skipReason ?? '')}"/>\n    </testcase>`;
      return `${open}>\n      <failure message="${xml(r.problems[0] ?? 'failed')}">${xml(r.problems.join('\n'))}</failure>\n    </testcase>`;
    });
    const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    return `  <testsuite name="contracts.${api}" tests="${results.length}" failures="${count('failed')}" skipped="${count('skipped')}" errors="0" time="${time.toFixed(3)}" timestamp="${report.startedAt}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const { passed, failed, skipped } = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="contracts" tests="${passed + failed + skipped}" failures="${failed}" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const jsonReport = (report: Report) => `${JSON.stringify(report, null, 2)}\n`;
