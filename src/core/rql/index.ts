/** RQL list queries (filter, order, select, paging) for the Marketplace API mocks. */
export type {
  ListQuery,
  NestedSelect,
  OrderTerm,
  Parsed,
  RqlNode,
  RqlValue,
  SelectSpec,
} from './types.js';
export {
  MAX_DEPTH,
  MAX_PATTERN_LENGTH,
  MAX_QUERY_LENGTH,
  emptyValue,
  isEmptyValue,
} from './types.js';
export { parseListQuery, type ListQueryOptions } from './parse.js';
export { parseRql } from './expr.js';
export { parseOrder, compareByOrder } from './order.js';
export { parseSelect, applySelect, checkSelect, type SelectFields } from './select.js';
export { MAX_EVALUATION_COST, RqlBudgetError, matches, wildcardMatch } from './evaluate.js';
export { getPath } from './path.js';
