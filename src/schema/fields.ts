/**
 * The properties a list can be filtered and ordered by, read from the spec's schemas: the item
 * schema of an operation's 200 `data` array, walked one path segment at a time (`$ref`s,
 * `allOf`/`oneOf`/`anyOf`, `additionalProperties` and array items followed), each step cached.
 */
import {
  atPointer,
  documents,
  isRecord,
  operation,
  resolve,
  responseSchemaPointer,
  type ApiName,
} from './index.js';

/** What a property holds, as far as RQL cares (`any`: a free-form object, anything below it). */
export type FieldKind =
  'string' | 'date-time' | 'date' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';

export interface FieldType {
  kind: FieldKind;
  /** The property (or, for an array, the digits-only index) one segment down; undefined if none. */
  at(segment: string): FieldType | undefined;
  /** The schema's spelling of a property named in another letter case (names are case-blind). */
  name(segment: string): string | undefined;
}

type Schema = Record<string, unknown>;

/** The schema and the schemas it is made of (`$ref`, `allOf`, `oneOf`, `anyOf`), resolved. */
function variants(api: ApiName, raw: unknown, depth = 0): Schema[] {
  const schema = resolve<unknown>(api, raw);
  if (!isRecord(schema) || depth > 16) return [];
  const parts = ['allOf', 'oneOf', 'anyOf'].flatMap((key) =>
    Array.isArray(schema[key])
      ? (schema[key] as unknown[]).flatMap((part) => variants(api, part, depth + 1))
      : [],
  );
  return [schema, ...parts];
}

const types = (schema: Schema): string[] =>
  (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (t): t is string => typeof t === 'string' && t !== 'null',
  );

function kindOf(list: Schema[]): FieldKind {
  if (list.some((s) => s.format === 'date-time')) return 'date-time';
  if (list.some((s) => s.format === 'date')) return 'date';
  const declared = new Set(list.flatMap(types));
  if (declared.size === 1) return [...declared][0] as FieldKind;
  if (declared.size === 0 && list.some((s) => isRecord(s.properties))) return 'object';
  if (declared.size === 0 && list.some((s) => 'items' in s)) return 'array';
  return 'any';
}

/** A schema that says nothing of what is inside it (no properties, no items, no enum or type). */
function isOpen(schema: Schema): boolean {
  const t = types(schema);
  if (t.length > 1) return true;
  if (t.length === 1 && t[0] !== 'object') return false;
  return (
    !isRecord(schema.properties) &&
    !isRecord(schema.additionalProperties) &&
    schema.additionalProperties !== false &&
    !('enum' in schema) &&
    !('const' in schema) &&
    !['allOf', 'oneOf', 'anyOf', '$ref'].some((key) => key in schema)
  );
}

const ANY: FieldType = { kind: 'any', at: () => ANY, name: () => undefined };

function fieldType(api: ApiName, raw: unknown): FieldType {
  const list = variants(api, raw);
  if (list.length === 0 || list.some(isOpen)) return ANY;
  const children = new Map<string, FieldType | undefined>();
  let byLowerCase: Map<string, string> | undefined;
  return {
    kind: kindOf(list),
    name(segment) {
      if (!byLowerCase) {
        byLowerCase = new Map();
        for (const schema of list)
          if (isRecord(schema.properties))
            for (const key of Object.keys(schema.properties))
              if (!byLowerCase.has(key.toLowerCase())) byLowerCase.set(key.toLowerCase(), key);
      }
      const spelled = byLowerCase.get(segment.toLowerCase());
      return spelled !== undefined && spelled !== segment && this.at(segment) === undefined
        ? spelled
        : undefined;
    },
    at(segment) {
      if (children.has(segment)) return children.get(segment);
      const found: unknown[] = [];
      for (const schema of list) {
        const properties = isRecord(schema.properties) ? schema.properties : {};
        if (Object.prototype.hasOwnProperty.call(properties, segment))
          found.push(properties[segment]);
        else if (isRecord(schema.additionalProperties)) found.push(schema.additionalProperties);
        if (/^\d+$/.test(segment) && isRecord(schema.items)) found.push(schema.items);
      }
      const child = found.length === 0 ? undefined : fieldType(api, { allOf: found });
      children.set(segment, child);
      return child;
    },
  };
}

const cache = new Map<string, FieldType | undefined>();

/** The fields of the objects a list operation answers (its 200 `data` items), or undefined. */
export function listItemFields(api: ApiName, operationId: string): FieldType | undefined {
  const key = `${api} ${operationId}`;
  if (cache.has(key)) return cache.get(key);
  const info = operation(api, operationId);
  const pointer = responseSchemaPointer(info, 200, 'application/json');
  let fields: FieldType | undefined;
  if (pointer !== undefined) {
    const page = variants(api, atPointer(documents[api], pointer));
    const data = page.map((s) => (isRecord(s.properties) ? s.properties.data : undefined));
    const items = data
      .flatMap((d) => variants(api, d))
      .map((s) => s.items)
      .filter((i) => i !== undefined);
    if (items.length > 0) fields = fieldType(api, { allOf: items });
  }
  cache.set(key, fields);
  return fields;
}

/** The query parameters an operation declares (`limit`, `offset`, ... as the spec names them). */
export function queryParameters(api: ApiName, operationId: string): string[] {
  return operation(api, operationId)
    .parameters.filter((p) => p.in === 'query')
    .map((p) => String(p.name));
}

const answers = new Map<string, FieldType | undefined>();

/** The fields of the object an operation answers with (its 200 JSON body), or undefined. */
export function answerFields(api: ApiName, operationId: string): FieldType | undefined {
  const key = `${api} ${operationId}`;
  if (answers.has(key)) return answers.get(key);
  const pointer = responseSchemaPointer(operation(api, operationId), 200, 'application/json');
  const fields =
    pointer === undefined ? undefined : fieldType(api, atPointer(documents[api], pointer));
  answers.set(key, fields);
  return fields;
}
