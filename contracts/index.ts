/** The contract suites as a library: run them from your own script or test runner. */
export { allChecks } from './checks/index.js';
export { explore, exploreContracts, type ExploreOptions, type ExploreReport } from './explore.js';
export {
  consoleReport,
  coverageTable,
  jsonReport,
  junitReport,
  ruleCoverageTable,
} from './reporters/index.js';
export { readHarFile, HarError, type Recorded } from './har.js';
export {
  replay,
  replayContracts,
  type ReplayOptions,
  type ReplayReport,
  type ReplayedExchange,
} from './replay.js';
export { runContracts, type RunOptions } from './runner.js';
export { SkipCheck } from './skip.js';
export { kitFixture, kitTokens, resolveTarget, type TargetOptions } from './target.js';
export type {
  Check,
  CheckResult,
  Fixture,
  Report,
  Role,
  RuleCoverageRow,
  Target,
} from './types.js';
