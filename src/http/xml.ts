/**
 * XML bodies in the DataContract style of ASP.NET services: the root element is named after the
 * contract type (the schema's `xml.name`, else its component name; `ArrayOf<Item>` for a list;
 * `string` for a bare string), one child element per member in ordinal order of the member names
 * (DataContractSerializer's default, and what a .NET client reading XML expects), list items
 * named after their type. Both directions are driven by the spec's schema, so an XML body reads
 * back into the same value its JSON twin parses to; fast-xml-parser does the XML itself.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { setOwn } from '../core/own.js';
import { isRecord, resolve, type ApiName } from '../schema/index.js';

/** The namespace DataContract gives primitive roots (`<string xmlns="...">`). */
export const SERIALIZATION_NAMESPACE = 'http://schemas.microsoft.com/2003/10/Serialization/';

export class XmlError extends Error {}

type Schema = Record<string, unknown>;

const primitiveNames: Record<string, string> = {
  string: 'string',
  integer: 'int',
  number: 'double',
  boolean: 'boolean',
};

/** The schema behind `$ref`s, with its component name when it came from one. */
function named(api: ApiName, schema: unknown): { schema: Schema; name?: string } {
  let name: string | undefined;
  let current = schema;
  for (let hops = 0; hops < 16 && isRecord(current) && typeof current.$ref === 'string'; hops++) {
    name = current.$ref.split('/').pop();
    current = resolve(api, { $ref: current.$ref });
  }
  return { schema: isRecord(current) ? current : {}, ...(name ? { name } : {}) };
}

/** The first branch of an `anyOf` / `oneOf` (the one a writer picks). */
function branches(api: ApiName, schema: Schema): { schema: Schema; name?: string }[] {
  const list = schema.anyOf ?? schema.oneOf;
  return Array.isArray(list) ? list.map((branch) => named(api, branch)) : [];
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

interface Contract {
  name: string;
  namespace: string | undefined;
}

/** The DataContract name and namespace of a schema. */
function contractOf(api: ApiName, raw: unknown): Contract {
  const { schema, name } = named(api, raw);
  const xml = isRecord(schema.xml) ? schema.xml : {};
  const namespace = typeof xml.namespace === 'string' ? xml.namespace : undefined;
  if (typeof xml.name === 'string') return { name: xml.name, namespace };
  const type = typeOf(schema);
  if (type === 'array') {
    const item = contractOf(api, schema.items);
    return { name: `ArrayOf${item.name}`, namespace: namespace ?? item.namespace };
  }
  if (type && type !== 'object' && primitiveNames[type])
    return { name: primitiveNames[type]!, namespace: namespace ?? SERIALIZATION_NAMESPACE };
  const first = branches(api, schema)[0];
  if (!name && first) return contractOf(api, first.schema);
  return { name: name ?? 'anyType', namespace };
}

// ---------------------------------------------------------------- writing

type Node = string | { [key: string]: Node | Node[] };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function writeNode(api: ApiName, value: unknown, raw: unknown, parent?: string): Node {
  let { schema } = named(api, raw);
  const first = branches(api, schema)[0];
  if (first && !typeOf(schema)) schema = first.schema;
  const contract = contractOf(api, raw);
  // A nested contract from another namespace declares its own, as DataContractSerializer does.
  const xmlns = (node: Record<string, Node | Node[]>) => {
    if (contract.namespace && contract.namespace !== parent) node['@_xmlns'] = contract.namespace;
    return node;
  };
  if (Array.isArray(value)) {
    const item = contractOf(api, schema.items);
    const node: Record<string, Node | Node[]> = {};
    if (value.length > 0)
      node[item.name] = value.map((entry) =>
        writeNode(api, entry, schema.items, contract.namespace ?? parent),
      );
    return xmlns(node);
  }
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const node: Record<string, Node | Node[]> = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member === undefined || member === null) continue;
      node[key] = writeNode(api, member, properties[key], contract.namespace ?? parent);
    }
    return xmlns(node);
  }
  return text(value);
}

/** A value as the XML document of the contract its schema names. */
export function writeXml(api: ApiName, value: unknown, schema: unknown): string {
  const contract = contractOf(api, schema);
  let root = writeNode(api, value, schema);
  if (typeof root === 'string') {
    root = { '#text': root };
    if (contract.namespace) root['@_xmlns'] = contract.namespace;
  } else if (contract.namespace) {
    root['@_xmlns'] = contract.namespace;
  }
  return builder.build({ [contract.name]: root }) as string;
}

// ---------------------------------------------------------------- reading

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Parsed = string | Parsed[] | { [key: string]: Parsed };

const isAttribute = (key: string) => key.startsWith('@_');
const isNil = (node: Parsed) =>
  isRecord(node) && (node['@_nil'] === 'true' || node['@_nil'] === '1');

function textOf(node: Parsed): string {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  if (Array.isArray(node)) return textOf(node[0] ?? '');
  return '';
}

function children(node: Parsed): [string, Parsed][] {
  if (!isRecord(node)) return [];
  return Object.entries(node).filter(([key]) => !isAttribute(key) && key !== '#text');
}

function primitive(type: string | undefined, value: string): unknown {
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value))
    return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function readNode(api: ApiName, node: Parsed, raw: unknown, elementName?: string): unknown {
  if (isNil(node)) return null;
  let { schema } = named(api, raw);
  const options = branches(api, schema);
  if (options.length > 0 && !typeOf(schema)) {
    // The branch whose contract name is the element's, else the first.
    const byName = options.find((o) => contractOf(api, o.schema).name === elementName);
    schema = (byName ?? options[0]!).schema;
  }
  const type = typeOf(schema);
  if (type === 'array') {
    if (!isRecord(node)) return [];
    return children(node).flatMap(([, child]) =>
      (Array.isArray(child) ? child : [child]).map((item) => readNode(api, item, schema.items)),
    );
  }
  if (type === 'object' || (type === undefined && isRecord(node) && children(node).length > 0)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const out: Record<string, unknown> = {};
    for (const [key, child] of children(node)) {
      // A member repeated where one value is expected: the first counts.
      const single = Array.isArray(child) && typeOf(named(api, properties[key]).schema) !== 'array';
      const value = readNode(api, single ? (child as Parsed[])[0]! : child, properties[key], key);
      setOwn(out, key, value);
    }
    return out;
  }
  return primitive(type, textOf(node));
}

/**
 * An XML document read as the value of the schema it carries (any root element name). Throws
 * XmlError for text that is not one well-formed element, or that declares a DOCTYPE (entity
 * expansion is never wanted from a request body).
 */
export function readXml(api: ApiName, text: string, schema: unknown): unknown {
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(valid.err.msg);
  const roots = Object.entries(parser.parse(text) as Record<string, Parsed>);
  if (roots.length !== 1) throw new XmlError('the document must have exactly one root element');
  const [name, node] = roots[0]!;
  return readNode(api, node, schema, name);
}
