/**
 * Every example in both documents validates against its schema: media-type, parameter and
 * header examples (named or single) and `examples` arrays inside schemas.
 */
import { describe, expect, it } from 'vitest';
import {
  atPointer,
  documents,
  isRecord,
  operations,
  resolve,
  validate,
  type ApiName,
} from '../../src/schema/index.js';

interface FoundExample {
  where: string;
  schemaPointer: string;
  value: unknown;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const schemaChildren = ['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else'];
const schemaArrays = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const schemaMaps = ['properties', 'patternProperties', '$defs'];

/** Examples written inside a schema (`examples: [...]`), found by walking its subschemas. */
function schemaExamples(api: ApiName, pointer: string, found: FoundExample[]) {
  const schema = atPointer(documents[api], pointer);
  if (!isRecord(schema)) return;
  if (Array.isArray(schema.examples)) {
    schema.examples.forEach((value, i) =>
      found.push({ where: `${pointer}/examples/${i}`, schemaPointer: pointer, value }),
    );
  }
  for (const key of schemaChildren)
    if (isRecord(schema[key])) schemaExamples(api, `${pointer}/${key}`, found);
  for (const key of schemaArrays) {
    const list = schema[key];
    if (Array.isArray(list))
      list.forEach((_, i) => schemaExamples(api, `${pointer}/${key}/${i}`, found));
  }
  for (const key of schemaMaps) {
    const map = schema[key];
    if (isRecord(map))
      for (const name of Object.keys(map))
        schemaExamples(api, `${pointer}/${key}/${escape(name)}`, found);
  }
}

/** Examples beside a `schema` (media types, parameters, headers), anywhere in the document. */
function collect(api: ApiName): FoundExample[] {
  const found: FoundExample[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${pointer}/${i}`));
    if (!isRecord(node)) return;
    if (isRecord(node.schema) || typeof node.schema === 'boolean') {
      const schemaPointer = `${pointer}/schema`;
      if ('example' in node)
        found.push({ where: `${pointer}/example`, schemaPointer, value: node.example });
      if (isRecord(node.examples)) {
        for (const [name, example] of Object.entries(node.examples)) {
          const resolved = resolve<Record<string, unknown>>(api, example);
          found.push({
            where: `${pointer}/examples/${escape(name)}`,
            schemaPointer,
            value: resolved.value,
          });
        }
      }
      schemaExamples(api, schemaPointer, found);
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'schema' || key === 'examples' || key === 'example') continue;
      if (pointer === '#/components' && key === 'schemas') continue;
      walk(child, `${pointer}/${escape(key)}`);
    }
  };
  walk(documents[api], '#');
  const schemas = documents[api].components?.schemas ?? {};
  for (const name of Object.keys(schemas))
    schemaExamples(api, `#/components/schemas/${escape(name)}`, found);
  return found;
}

describe.each(['program-api', 'partner-center'] as const)('%s examples', (api) => {
  const examples = collect(api);

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s validates', (_where, example) => {
    expect(validate(api, example.schemaPointer, example.value)).toEqual([]);
  });

  it('gives every response of every operation at least one example', () => {
    const missing: string[] = [];
    for (const op of operations(api)) {
      for (const [status, raw] of Object.entries(op.operation.responses)) {
        const response = resolve<Record<string, unknown>>(api, raw);
        const content = isRecord(response.content) ? response.content : {};
        const media = Object.entries(content);
        if (media.length === 0 && status !== '204')
          missing.push(`${op.operationId} ${status}: no content`);
        // The other media types of a response (text/json, XML) carry the same schema as its JSON
        // one; the JSON examples stand for them all.
        for (const [type, mediaObject] of media) {
          if (media.length > 1 && type !== 'application/json') continue;
          const m = isRecord(mediaObject) ? mediaObject : {};
          const count =
            ('example' in m ? 1 : 0) + (isRecord(m.examples) ? Object.keys(m.examples).length : 0);
          if (count === 0) missing.push(`${op.operationId} ${status} ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
