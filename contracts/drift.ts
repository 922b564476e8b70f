/**
 * `eligibility-mock drift`: every recorded answer held to the kit's spec, and what differs
 * named per operation, schema and field (decision 0053). The rules are named so that a known
 * and accepted difference can be ignored by name (`--ignore unknown-field:Certificate.vendor`).
 * The spec's schemas leave objects open (a real answer may carry more), so the fields it does
 * not know are found by walking the body beside its schema, not by the validator.
 */
import {
  declaredKey,
  isRecord,
  resolve,
  responseSchemaPointer,
  validate,
  type ApiName,
  type OperationInfo,
} from '../src/schema/index.js';
import type { Recorded } from './har.js';
import { walkSchema } from './schema-walk.js';
import { mediaTypeOf } from './validate.js';

export const driftRules = {
  'unknown-operation': 'a method and path the spec has no operation for',
  'undeclared-status': 'a status the operation does not declare',
  'undeclared-content-type': 'a media type the response does not declare',
  'unknown-field': 'a member the schema does not list',
  'unknown-enum-value': 'a value the enumeration does not list',
  'schema-mismatch': 'a value of another type or shape than the schema says',
  'missing-required-header': 'a header the response requires, absent',
  'request-refused': 'a request the spec would refuse, yet answered with success',
} as const;

export type DriftRule = keyof typeof driftRules;

export interface Finding {
  rule: DriftRule;
  api: ApiName;
  /** The operationId, or `METHOD path` off the spec. */
  operation: string;
  status: number;
  /** The component schema the field belongs to (`Certificate`), when there is one. */
  schema?: string;
  /** Where: `Certificate.statusNotes`, `status`, a header name. */
  field?: string;
  /** An example value as recorded (JSON, shortened). */
  example?: string;
  detail: string;
  /** The entries (1-based) that showed it; the first is the example's. */
  entries: number[];
}

export interface DriftReport {
  file: string;
  /** Entries of the two APIs read (control traffic is never recorded). */
  exchanges: number;
  /** Per operation seen: its exchanges and the findings on it. */
  operations: { api: ApiName; operation: string; exchanges: number; findings: number }[];
  findings: Finding[];
  /** Findings left out by `--ignore`. */
  ignored: number;
}

const shorten = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

type Raw = Omit<Finding, 'entries' | 'api' | 'operation' | 'status'>;

/** Unknown members and enumeration values of `value` under the schema at `pointer`. */
export function walkBody(api: ApiName, pointer: string, value: unknown): Raw[] {
  const found: Raw[] = [];
  walkSchema(api, pointer, value, {
    value(nodes, current, path) {
      for (const n of nodes) {
        if (Array.isArray(n.schema.enum) && !n.schema.enum.some((v) => v === current))
          found.push({
            rule: 'unknown-enum-value',
            ...(n.name ? { schema: n.name } : {}),
            field: path || '(body)',
            example: shorten(current),
            detail: `${shorten(current)} is not one of ${n.schema.enum.map((v) => String(v)).join(', ')}`,
          });
      }
    },
    unknown(owner, path, member) {
      found.push({
        rule: 'unknown-field',
        ...(owner ? { schema: owner } : {}),
        field: path,
        example: shorten(member),
        detail: `${path} is not in ${owner ?? 'the schema'} (e.g. ${shorten(member)})`,
      });
    },
  });
  return found;
}

/** The findings of one recorded exchange, before grouping. */
export function exchangeFindings(recorded: Recorded): Raw[] {
  const { operation, response } = recorded;
  if (!operation) {
    return response.status === 404 || response.status === 405
      ? []
      : [
          {
            rule: 'unknown-operation',
            detail: `${recorded.method} ${recorded.path} is no operation of the spec, yet answered ${response.status}`,
          },
        ];
  }
  const found: Raw[] = [];
  if (response.status >= 200 && response.status < 300)
    found.push(...requestFindings(recorded, operation));
  const key = declaredKey(operation.operation.responses, response.status);
  if (key === undefined)
    return [
      ...found,
      {
        rule: 'undeclared-status',
        field: String(response.status),
        detail: `status ${response.status} is not declared (declared: ${Object.keys(operation.operation.responses).join(', ')})`,
      },
    ];
  // `default` is the documents' "unexpected error": a status only it covers is not declared.
  if (key === 'default')
    found.push({
      rule: 'undeclared-status',
      field: String(response.status),
      detail: `status ${response.status} is not declared (only \`default\` covers it)`,
    });
  const declared = resolve<Record<string, unknown>>(
    recorded.api,
    operation.operation.responses[key],
  );
  const headers = isRecord(declared.headers) ? declared.headers : {};
  for (const [name, raw] of Object.entries(headers)) {
    if (resolve<Record<string, unknown>>(recorded.api, raw).required !== true) continue;
    if (!response.headers.get(name))
      found.push({
        rule: 'missing-required-header',
        field: name,
        detail: `required header ${name} is missing`,
      });
  }
  const content = isRecord(declared.content) ? Object.keys(declared.content) : [];
  const mediaType = mediaTypeOf(response.contentType);
  if (content.length === 0 || response.bytes.length === 0) return found;
  const [type] = mediaType.split('/');
  const covered =
    content.includes(mediaType) || content.includes(`${type}/*`) || content.includes('*/*');
  if (!covered) {
    found.push({
      rule: 'undeclared-content-type',
      field: mediaType || '(none)',
      detail: `content type ${mediaType || '(none)'} is not one of ${content.join(', ')}`,
    });
    return found;
  }
  const pointer = responseSchemaPointer(operation, response.status, mediaType);
  if (!pointer || response.json === undefined) return found;
  found.push(...walkBody(recorded.api, pointer, response.json));
  for (const error of validate(recorded.api, pointer, response.json)) {
    if (['enum', 'oneOf', 'anyOf'].includes(error.keyword)) continue;
    const field = error.instancePath
      .slice(1)
      .replace(/\/\d+(?=\/|$)/g, '[]')
      .replace(/\//g, '.');
    found.push({
      rule: 'schema-mismatch',
      field: field || '(body)',
      detail: `${field || 'the body'} ${error.message ?? 'is invalid'}`,
    });
  }
  return found;
}

/** What the spec would refuse in a request the service accepted. */
function requestFindings(recorded: Recorded, operation: OperationInfo): Raw[] {
  const found: Raw[] = [];
  const query = new URLSearchParams(recorded.query);
  for (const parameter of operation.parameters) {
    if (parameter.required !== true) continue;
    const name = String(parameter.name);
    const present =
      parameter.in === 'query'
        ? query.has(name)
        : parameter.in === 'header'
          ? recorded.request.headers.has(name)
          : true;
    if (!present)
      found.push({
        rule: 'request-refused',
        field: name,
        detail: `the request has no ${String(parameter.in)} parameter ${name}, which the spec requires`,
      });
  }
  const body = resolve<Record<string, unknown>>(
    recorded.api,
    operation.operation.requestBody ?? {},
  );
  const json = isRecord(body.content) && isRecord(body.content['application/json']);
  if (json && recorded.request.json !== undefined) {
    const base =
      isRecord(operation.operation.requestBody) &&
      typeof operation.operation.requestBody.$ref === 'string'
        ? operation.operation.requestBody.$ref
        : `${operation.pointer}/requestBody`;
    for (const error of validate(
      recorded.api,
      `${base}/content/application~1json/schema`,
      recorded.request.json,
    ))
      found.push({
        rule: 'request-refused',
        field: `request${error.instancePath.replace(/\//g, '.')}`,
        detail: `the request body${error.instancePath} ${error.message ?? 'is invalid'}`,
      });
  } else if (body.required === true && (recorded.request.bytes?.length ?? 0) === 0) {
    found.push({
      rule: 'request-refused',
      field: 'request',
      detail: 'the request has no body, which the spec requires',
    });
  }
  return found;
}

/**
 * An ignore is a rule name, or `rule:what`, where `what` is the operation, the schema, the field
 * (`Certificate.statusNotes` or `statusNotes`) or the value.
 */
export function ignores(ignore: readonly string[], finding: Finding): boolean {
  return ignore.some((entry) => {
    const [rule, what] = entry.split(/:(.*)/s) as [string, string | undefined];
    if (rule !== finding.rule) return false;
    if (what === undefined || what === '') return true;
    const field = finding.field ?? '';
    return [
      finding.operation,
      finding.schema,
      field,
      finding.schema ? `${finding.schema}.${field.split('.').at(-1)}` : undefined,
      field.split('.').at(-1),
      finding.example,
      finding.example?.replace(/^"|"$/g, ''),
    ].includes(what);
  });
}

/** The drift of a recording: findings grouped by rule, operation, schema and field. */
export function drift(
  recorded: readonly Recorded[],
  file: string,
  ignore: readonly string[] = [],
): DriftReport {
  const grouped = new Map<string, Finding>();
  const operations = new Map<string, DriftReport['operations'][number]>();
  let ignored = 0;
  for (const exchange of recorded) {
    const operation = exchange.operation?.operationId ?? `${exchange.method} ${exchange.path}`;
    const opKey = `${exchange.api} ${operation}`;
    const row = operations.get(opKey) ?? {
      api: exchange.api,
      operation,
      exchanges: 0,
      findings: 0,
    };
    row.exchanges++;
    operations.set(opKey, row);
    for (const raw of exchangeFindings(exchange)) {
      const finding: Finding = {
        ...raw,
        api: exchange.api,
        operation,
        status: exchange.response.status,
        entries: [exchange.index],
      };
      if (ignores(ignore, finding)) {
        ignored++;
        continue;
      }
      const key = [
        finding.rule,
        opKey,
        finding.status,
        finding.schema,
        finding.field,
        finding.rule === 'unknown-enum-value' ? finding.example : '',
      ].join('|');
      const known = grouped.get(key);
      if (known) {
        if (!known.entries.includes(exchange.index)) known.entries.push(exchange.index);
      } else {
        grouped.set(key, finding);
        row.findings++;
      }
    }
  }
  return {
    file,
    exchanges: recorded.length,
    operations: [...operations.values()],
    findings: [...grouped.values()],
    ignored,
  };
}
