/**
 * Walking a JSON value beside the schema that describes it: `$ref`s followed, `allOf` merged,
 * of `oneOf`/`anyOf` the branches the value fits. `drift` uses it to find what the schema does
 * not know, `seed from-har` to find the stored objects an answer carries.
 */
import { atPointer, documents, isRecord, validator, type ApiName } from '../src/schema/index.js';

/** A schema node, `$ref`s followed, with the pointer it sits at. */
export interface SchemaNode {
  pointer: string;
  schema: Record<string, unknown>;
  /** The component schema it is (`Certificate`), when it is one. */
  component: string | undefined;
  /** The nearest component schema it belongs to (for naming an inline member's owner). */
  name: string | undefined;
}

const pointerEscape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export function follow(api: ApiName, pointer: string, name?: string): SchemaNode {
  let at = pointer;
  let schema = atPointer(documents[api], at);
  for (let hops = 0; hops < 16 && isRecord(schema) && typeof schema.$ref === 'string'; hops++) {
    at = schema.$ref;
    schema = atPointer(documents[api], at);
  }
  const component = /^#\/components\/schemas\/([^/]+)$/.exec(at)?.[1];
  return {
    pointer: at,
    schema: isRecord(schema) ? schema : {},
    component,
    name: component ?? name,
  };
}

/**
 * The schema nodes that apply to a value at a node: the node, its `allOf` parts, and of its
 * `oneOf`/`anyOf` the branches the value validates against (all of them when none does).
 */
function applicable(api: ApiName, node: SchemaNode, value: unknown, depth = 0): SchemaNode[] {
  if (depth > 8) return [node];
  const nodes = [node];
  const { schema, pointer } = node;
  const parts = (key: 'allOf' | 'oneOf' | 'anyOf') =>
    Array.isArray(schema[key])
      ? (schema[key] as unknown[]).map((_, i) => follow(api, `${pointer}/${key}/${i}`, node.name))
      : [];
  for (const part of parts('allOf')) nodes.push(...applicable(api, part, value, depth + 1));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = parts(key);
    const fitting = branches.filter((branch) => validator(api, branch.pointer)(value));
    for (const branch of fitting.length > 0 ? fitting : branches)
      nodes.push(...applicable(api, branch, value, depth + 1));
  }
  return nodes;
}

export interface Visitor {
  /** Every value reached, with the schema nodes that apply to it and its dotted path. */
  value?(nodes: readonly SchemaNode[], value: unknown, path: string): void;
  /** A member of a closed-looking object no applicable schema lists. */
  unknown?(owner: string | undefined, path: string, member: unknown): void;
}

/** Walks `value` beside the schema at `pointer` (paths dotted: `data[].status`). */
export function walkSchema(api: ApiName, pointer: string, value: unknown, visitor: Visitor): void {
  const visit = (node: SchemaNode, current: unknown, path: string, depth: number) => {
    if (depth > 32 || current === null || current === undefined) return;
    const nodes = applicable(api, node, current);
    visitor.value?.(nodes, current, path);
    const field = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (Array.isArray(current)) {
      const items = nodes.find((n) => 'items' in n.schema);
      if (!items) return;
      const item = follow(api, `${items.pointer}/items`, items.name);
      current.forEach((member) => visit(item, member, `${path}[]`, depth + 1));
      return;
    }
    if (!isRecord(current)) return;
    const open = nodes.some(
      (n) => n.schema.additionalProperties === true || 'patternProperties' in n.schema,
    );
    const declaring = nodes.filter((n) => isRecord(n.schema.properties));
    const map = nodes.find((n) => isRecord(n.schema.additionalProperties));
    for (const [key, member] of Object.entries(current)) {
      const holder = declaring.find((n) => key in (n.schema.properties as object));
      if (holder)
        visit(
          follow(api, `${holder.pointer}/properties/${pointerEscape(key)}`, holder.name),
          member,
          field(key),
          depth + 1,
        );
      else if (map)
        visit(
          follow(api, `${map.pointer}/additionalProperties`, map.name),
          member,
          field(key),
          depth + 1,
        );
      else if (!open && declaring.length > 0)
        visitor.unknown?.(nodes.find((n) => n.name)?.name, field(key), member);
    }
  };
  visit(follow(api, pointer), value, '', 0);
}
