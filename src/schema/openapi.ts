/** The parts of an OpenAPI 3.1 document the kit reads at run time (loosely typed on purpose). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, PathItem>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = (typeof httpMethods)[number];

export type PathItem = { parameters?: unknown[] } & Partial<Record<HttpMethod, Operation>>;

export interface Operation {
  operationId: string;
  summary?: string;
  deprecated?: boolean;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  'x-roles'?: string[];
  [key: string]: unknown;
}
