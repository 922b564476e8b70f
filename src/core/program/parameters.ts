/**
 * A certificate's and an enrollment's parameters are the program's parameters: the definitions
 * (`parameters` sub-resource) with the values given. Filling, and the checks that report a
 * required `Order` parameter without a value.
 */
import { reference, refuse, type Context, type Fields } from './common.js';
import type {
  Message,
  ParametersInput,
  ParameterValue,
  StoredParameter,
  StoredProgram,
} from './model.js';
import { itemsOf } from './engine.js';

export type ParameterBag = { ordering: ParameterValue[]; fulfillment: ParameterValue[] };
const phases = [
  ['ordering', 'Order'],
  ['fulfillment', 'Fulfillment'],
] as const;

const hasValue = (value: unknown) =>
  value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

function definitionsOf(ctx: Context, program: StoredProgram): StoredParameter[] {
  return itemsOf(ctx.state, 'parameters', program.id).sort(
    (a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0) || (a.id < b.id ? -1 : 1),
  );
}

/**
 * The program's definitions of each phase with values from `input`, else from `current`.
 * An id that is not a definition of that phase is refused, naming the field. `phasesAllowed`
 * limits which phases the caller may give values for (a client: `Order` only).
 */
export function fillParameters(
  ctx: Context,
  program: StoredProgram,
  input: ParametersInput | undefined,
  current: Partial<ParameterBag> | undefined,
): ParameterBag {
  const definitions = definitionsOf(ctx, program);
  const result: ParameterBag = { ordering: [], fulfillment: [] };
  for (const [key, phase] of phases) {
    const givenValues = new Map<string, unknown>();
    (input?.[key] ?? []).forEach((item, i) => {
      if (!definitions.some((d) => d.id === item.id && d.phase === phase))
        throw reference(`parameters.${key}[${i}].id`, item.id, `${phase} parameter`);
      givenValues.set(item.id, item.value);
    });
    for (const definition of definitions.filter((d) => d.phase === phase)) {
      const value = givenValues.has(definition.id)
        ? givenValues.get(definition.id)
        : current?.[key]?.find((p) => p.id === definition.id)?.value;
      result[key].push({
        id: definition.id,
        externalId: definition.externalId ?? null,
        name: definition.name,
        type: definition.type,
        phase: definition.phase,
        constraints: { ...definition.constraints },
        ...(hasValue(value)
          ? { value, ...(typeof value === 'string' ? { displayValue: value } : {}) }
          : {}),
      });
    }
  }
  return result;
}

const required = (p: ParameterValue) =>
  p.phase === 'Order' && p.constraints?.required === true && !hasValue(p.value);

/** The parameters with each one's `error` set or cleared by the checks, and the overall error. */
export function checkParameters(bag: ParameterBag): { parameters: ParameterBag; error?: Message } {
  let missing = 0;
  const names: string[] = [];
  const mark = (p: ParameterValue): ParameterValue => {
    const { error: _old, ...rest } = p;
    if (!required(p)) return rest;
    missing++;
    names.push(p.name ?? p.id);
    return { ...rest, error: { id: 'ParameterRequired', message: `${p.name} is required.` } };
  };
  const parameters = { ordering: bag.ordering.map(mark), fulfillment: bag.fulfillment.map(mark) };
  return missing === 0
    ? { parameters }
    : {
        parameters,
        error: {
          id: 'ParameterRequired',
          message: `${missing} required parameter${missing === 1 ? ' has' : 's have'} no value: ${names.join(', ')}.`,
        },
      };
}

/** Refuses with 400 `ParameterRequired` naming every required `Order` parameter left empty. */
export function requireParameters(bag: ParameterBag) {
  const fields: Fields = {};
  for (const p of bag.ordering.filter(required))
    fields[`parameters.ordering.${p.externalId ?? p.id}`] = [`${p.name} (${p.id}) is required.`];
  const list = Object.values(fields).map((m) => m[0]!.replace(/ is required\.$/, ''));
  if (list.length > 0)
    throw refuse(
      'ParameterRequired',
      `Required Order parameter without a value: ${list.join(', ')}.`,
      fields,
    );
}
