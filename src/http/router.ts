/** Matches a method and path against the operations of a document (templates from spec/). */
import { operations, type ApiName, type OperationInfo } from '../schema/index.js';

export interface Match {
  operation: OperationInfo;
  params: Record<string, string>;
}

export type RouteResult =
  { kind: 'match'; match: Match } | { kind: 'no-route' } | { kind: 'bad-path' };

interface Route {
  operation: OperationInfo;
  pattern: RegExp;
  names: string[];
  literals: number;
}

export function createRouter(api: ApiName) {
  const routes: Route[] = operations(api).map((operation) => {
    const names: string[] = [];
    const source = operation.path
      .split('/')
      .map((segment) =>
        segment.replace(/\{([^}]+)\}|[^{}]+/g, (whole, name: string | undefined) => {
          if (name) {
            names.push(name);
            return '([^/]+)';
          }
          return whole.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        }),
      )
      .join('/');
    const literals = operation.path.split('/').filter((s) => s && !s.includes('{')).length;
    return { operation, pattern: new RegExp(`^${source}/?$`), names, literals };
  });
  // More literal segments first: `/customers/all/validations` before `/customers/{id}/...`.
  routes.sort((a, b) => b.literals - a.literals);

  return (method: string, path: string): RouteResult => {
    const verb = method.toLowerCase();
    for (const route of routes) {
      if (route.operation.method !== verb) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => {
          params[name] = decodeURIComponent(found[i + 1]!);
        });
      } catch {
        return { kind: 'bad-path' };
      }
      return { kind: 'match', match: { operation: route.operation, params } };
    }
    return { kind: 'no-route' };
  };
}
