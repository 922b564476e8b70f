/**
 * The fields SoftwareOne's own artefacts show for each Program API object: the vendor's OpenAPI
 * file, the real certificate answer in its docs, and its Python client's models (facts gathered
 * by the team, see ../shared/api-notes.md). `fields` is everything the real API may answer;
 * `present` is what a full answer (no `select`) always carries there. The kit may add only
 * `href` (and `constraints.unique` on parameters), the seed documents' extensions.
 */
import { createRouter } from '../../src/http/router.js';
import { isRecord, resolve } from '../../src/schema/index.js';

interface Shape {
  fields: readonly string[];
  present: readonly string[];
}

const account: Shape = {
  fields: ['id', 'name', 'icon', 'revision', 'type', 'status'],
  present: ['id', 'name', 'type', 'status'],
};
const parameterValue: Shape = {
  fields: [
    'id',
    'externalId',
    'name',
    'type',
    'phase',
    'error',
    'constraints',
    'displayValue',
    'value',
  ],
  present: ['id', 'name', 'type', 'phase', 'constraints'],
};

export const vendorFields = {
  Certificate: {
    fields: [
      'id',
      'name',
      'revision',
      'program',
      'vendor',
      'client',
      'applicableTo',
      'buyer',
      'licensee',
      'eligibility',
      'externalIds',
      'status',
      'statusNotes',
      'expirationDate',
      'template',
      'parameters',
      'terms',
      'audit',
    ],
    present: [
      'id',
      'name',
      'revision',
      'program',
      'vendor',
      'client',
      'applicableTo',
      'eligibility',
      'externalIds',
      'status',
      'parameters',
      'audit',
    ],
  },
  Enrollment: {
    fields: [
      'id',
      'name',
      'revision',
      'type',
      'status',
      'certificate',
      'program',
      'vendor',
      'applicableTo',
      'buyer',
      'licensee',
      'eligibility',
      'notes',
      'statusNotes',
      'assignee',
      'parameters',
      'error',
      'template',
      'audit',
    ],
    present: [
      'id',
      'type',
      'status',
      'certificate',
      'program',
      'vendor',
      'applicableTo',
      'eligibility',
      'parameters',
      'audit',
    ],
  },
  Program: {
    fields: [
      'id',
      'name',
      'revision',
      'shortDescription',
      'longDescription',
      'website',
      'icon',
      'status',
      'eligibility',
      'applicableTo',
      'products',
      'vendor',
      'settings',
      'statistics',
      'audit',
    ],
    present: [
      'id',
      'name',
      'status',
      'eligibility',
      'applicableTo',
      'vendor',
      'settings',
      'statistics',
      'audit',
    ],
  },
  ProgramTemplate: {
    fields: ['id', 'name', 'content', 'default', 'type', 'status', 'program', 'audit'],
    present: ['id', 'name', 'content', 'default', 'type', 'status', 'program', 'audit'],
  },
  ProgramParameter: {
    fields: [
      'id',
      'name',
      'description',
      'group',
      'scope',
      'phase',
      'externalId',
      'displayOrder',
      'constraints',
      'program',
      'options',
      'type',
      'status',
      'audit',
    ],
    present: ['id', 'name', 'scope', 'phase', 'constraints', 'program', 'type', 'status', 'audit'],
  },
  ProgramParameterGroup: {
    fields: [
      'id',
      'name',
      'label',
      'description',
      'displayOrder',
      'default',
      'parameterCount',
      'program',
      'audit',
    ],
    present: ['id', 'name', 'label', 'default', 'parameterCount', 'program', 'audit'],
  },
} as const satisfies Record<string, Shape>;

/** Nested objects checked too: where they sit in an object, and their shape. */
const nested: Partial<Record<keyof typeof vendorFields, Record<string, Shape>>> = {
  Certificate: { client: account, vendor: account },
  Enrollment: { vendor: account },
  Program: { vendor: account },
};
const kitExtensions = new Set(['href']);

function check(kind: keyof typeof vendorFields, value: unknown, full: boolean, where: string) {
  const problems: string[] = [];
  if (!isRecord(value)) return problems;
  const shape: Shape = vendorFields[kind];
  const against = (object: Record<string, unknown>, s: Shape, at: string) => {
    for (const key of Object.keys(object))
      if (!s.fields.includes(key) && !kitExtensions.has(key))
        problems.push(`${at}: ${key} is not a field of the real API`);
    if (full)
      for (const key of s.present)
        if (!(key in object)) problems.push(`${at}: ${key} is missing (the real API has it)`);
  };
  against(value, shape, where);
  for (const [member, s] of Object.entries(nested[kind] ?? {}))
    if (isRecord(value[member])) against(value[member], s, `${where}.${member}`);
  const parameters = value.parameters;
  if (isRecord(parameters))
    for (const phase of ['ordering', 'fulfillment'])
      for (const [i, item] of (Array.isArray(parameters[phase]) ? parameters[phase] : []).entries())
        if (isRecord(item)) {
          against(item, parameterValue, `${where}.parameters.${phase}[${i}]`);
          const { constraints } = item;
          if (isRecord(constraints))
            for (const key of Object.keys(constraints))
              if (!['hidden', 'readonly', 'required', 'unique'].includes(key))
                problems.push(`${where}.parameters.${phase}[${i}].constraints: ${key} is unknown`);
        }
  return problems;
}

const route = createRouter('program-api');
const schemaName = (schema: unknown) =>
  isRecord(schema) && typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;

/**
 * Problems of one Program API answer against the vendor's field table: the object kind comes
 * from the spec's response schema of the operation (a list checks each item).
 */
export function vendorFieldProblems(
  method: string,
  pathAndQuery: string,
  status: number,
  body: unknown,
): string[] {
  const [path, query = ''] = pathAndQuery.split('?');
  const found = route(method, path!);
  if (found.kind !== 'match' || status >= 300) return [];
  const { operation } = found.match;
  const response = resolve<Record<string, unknown>>(
    'program-api',
    operation.operation.responses[String(status)],
  );
  const content = isRecord(response?.content) ? response.content : {};
  const media = content['application/json'];
  const name = schemaName(isRecord(media) ? media.schema : undefined);
  if (!name) return [];
  // A `select` may leave out any field; without one, a full answer has what the real API has.
  const full = !/(^|&)select=/.test(query);
  const where = `${operation.operationId} ${status}`;
  if (name in vendorFields) return check(name as keyof typeof vendorFields, body, full, where);
  const list = resolve<Record<string, unknown>>('program-api', {
    $ref: `#/components/schemas/${name}`,
  });
  const items = isRecord(list.properties)
    ? resolve<Record<string, unknown>>(
        'program-api',
        (list.properties.data as Record<string, unknown> | undefined)?.items,
      )
    : undefined;
  const itemName = Object.keys(vendorFields).find(
    (kind) => items === resolve('program-api', { $ref: `#/components/schemas/${kind}` }),
  );
  if (!itemName || !isRecord(body) || !Array.isArray(body.data)) return [];
  return body.data.flatMap((item, i) =>
    check(itemName as keyof typeof vendorFields, item, full, `${where} data[${i}]`),
  );
}
