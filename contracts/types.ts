/** The contract suite's vocabulary: targets, checks, results, reports. */
import type { ApiName } from '../src/schema/index.js';

export type Role = 'operations' | 'vendor' | 'client' | 'partner' | 'reader';

/**
 * One request, as the explorer sends it to the target and to the kit. Declared here, not beside
 * the commands: the package's declarations of `explore()` name it, and the commands' name
 * fast-check's types (bundled in, not shipped; issue 26).
 */
export interface Request {
  /** `control`: the kit's control API (the clock, vetting decisions). */
  api: ApiName | 'control';
  method: string;
  /** Relative to the API's base URL (after `/__control` for the control API). */
  path: string;
  query?: string;
  as?: Role;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Target {
  /** Base URL of the Program API, e.g. `http://127.0.0.1:4010/public`. */
  programUrl?: string;
  /** Base URL of Partner Center, e.g. `http://127.0.0.1:4010`. */
  partnerCenterUrl?: string;
  /** Base URL of the kit's control API, when the target has one. */
  controlUrl?: string;
  /** Bearer tokens by role. */
  tokens: Partial<Record<Role, string>>;
  /** The target keeps no state (a Prism mock): behavioural checks cannot run. */
  stateless: boolean;
  /**
   * The target sits behind a validating proxy (`prism proxy --errors`), which answers requests
   * that break the spec itself: checks that send such requests on purpose are skipped.
   */
  validatingProxy?: boolean;
  /** Requests that change data are allowed. */
  writes: boolean;
  /** Ids the behavioural checks start from (defaults: the kit's seed). */
  fixture: Fixture;
}

/** Known objects on the target that behavioural checks need. */
export interface Fixture {
  program: {
    /** A Published program that applies to Licensee, owned by the vendor token's account. */
    publishedLicenseeProgram: string;
    /** A licensee of the client token's account. */
    licensee: string;
    /** An Order parameter of that program (checks give it a value). */
    requiredParameter: string;
    /** The client token's account (for certificates operations migrates for it). */
    client?: string;
  };
  partnerCenter: Record<string, never>;
}

/** What a check may need; a check whose needs are not met is skipped with the reason. */
export type Need = 'writes' | 'state' | 'control' | Role;

export interface CheckContext {
  target: Target;
  /** Sends a request to an API; the exchange is validated against the spec and recorded. */
  call(api: ApiName, method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Calls the control API (`path` after `/__control`). */
  control(method: string, path: string, body?: unknown): Promise<Answer>;
}

export interface CallOptions {
  /** A role whose token to send, `null` for none, or a literal `{ raw }` Authorization value. */
  as?: Role | null | { raw: string };
  body?: unknown;
  /** A multipart body (fetch writes the boundary and the content type). */
  form?: FormData;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  contentType: string | null;
  /** The body's bytes as received (a downloaded file). */
  bytes?: Uint8Array;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checks read fields freely
  text: string;
}

export interface Check {
  /** Stable name, switched on and off by name (`--only`, `--skip`). */
  name: string;
  api: ApiName;
  kind: 'schema' | 'behaviour';
  description: string;
  needs: readonly Need[];
  /** Sends requests that break the spec on purpose (no token, malformed body). */
  breaksSpec?: boolean;
  /** Why the check cannot run behind a validating proxy, when it cannot for another reason. */
  notBehindValidatingProxy?: string;
  /** Returns the problems found (empty: passed). Throwing counts as a problem. */
  run(ctx: CheckContext): Promise<string[]>;
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  api: ApiName;
  kind: Check['kind'];
  description: string;
  outcome: Outcome;
  problems: string[];
  skipReason?: string;
  durationMs: number;
}

export interface CoverageRow {
  api: ApiName;
  operationId: string;
  declared: string[];
  exercised: string[];
}

/** What a model-based exploration did. */
export interface ExploreFigures {
  /** fast-check's seed: the same seed against the same target replays the same run. */
  seed: number;
  /** Commands sent while exploring, and the budget. */
  commands: number;
  budget: number;
  /** Sequences run (shrinking included) and requests sent in all. */
  runs: number;
  requests: number;
  shrinks: number;
  durationMs: number;
  /** The time limit ended the run before the budget was used (or before shrinking ended). */
  interrupted: boolean;
  /** Why some commands were left out (read-only, no control API). */
  notes: string[];
}

/** One rule or transition of the kit's coverage table, with how often the run fired it. */
export interface RuleCoverageRow {
  id: string;
  api: ApiName;
  kind: 'transition' | 'rule';
  about: string;
  count: number;
}

export interface Report {
  target: { programUrl?: string; partnerCenterUrl?: string; controlUrl?: string };
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  coverage: CoverageRow[];
  /** Rules and transitions the run fired (a target with the kit's control API only). */
  rules?: RuleCoverageRow[];
  /** A model-based exploration (`--explore`): its figures and the shrunk divergence, if any. */
  explore?: ExploreFigures & { divergence?: { message: string; rules: string[]; curl: string[] } };
  /** A replay of a recording (`--replay`): one result per exchange, and the ids it mapped. */
  replay?: {
    file: string;
    exchanges: number;
    skipped: number;
    /** Recorded id -> the target's, for the objects the replayed writes made. */
    ids: Record<string, string>;
    summary: string;
  };
  summary: { passed: number; failed: number; skipped: number };
}
