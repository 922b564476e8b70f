/** Matches a method and path against the operations of a document (templates from spec/). */
import { operations, type ApiName, type OperationInfo } from '../schema/index.js';

export interface Match {
  operation: OperationInfo;
  params: Record<string, string>;
}

export type RouteResult =
  | { kind: 'match'; match: Match }
  | { kind: 'no-route' }
  | { kind: 'bad-path' }
  /** The path is an operation's, the method is not: `allowed` lists the methods it has. */
  | { kind: 'wrong-method'; allowed: string[] };

interface Route {
  operation: OperationInfo;
  pattern: RegExp;
  names: string[];
  literals: number;
}

/**
 * Partner Center runs on ASP.NET, whose routing ignores letter case (`/V1/Customers` is
 * `/v1/customers`); the Program API's paths are matched as written.
 */
export const caseInsensitivePaths: Readonly<Record<ApiName, boolean>> = {
  'partner-center': true,
  'program-api': false,
};

export function createRouter(api: ApiName) {
  const flags = caseInsensitivePaths[api] ? 'i' : '';
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
    return { operation, pattern: new RegExp(`^${source}/?$`, flags), names, literals };
  });
  // More literal segments first: `/customers/all/validations` before `/customers/{id}/...`.
  routes.sort((a, b) => b.literals - a.literals);

  return (method: string, path: string): RouteResult => {
    const verb = method.toLowerCase();
    const allowed: string[] = [];
    for (const route of routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.operation.method !== verb) {
        const name = route.operation.method.toUpperCase();
        if (!allowed.includes(name)) allowed.push(name);
        continue;
      }
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
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'no-route' };
  };
}
