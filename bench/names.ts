/** Names shared by the runner and the report: options, servers and requests. */
import type { FixtureMode } from './fixture.js';

export interface BenchOptions {
  /** Seconds per measurement. */
  duration: number;
  /** autocannon connections: every request is measured at each. */
  connections: number[];
  /** Measurements per server and cell, alternating the servers (A B C A B C ...). */
  rounds: number;
  /** Certificates per scaling step. */
  sizes: number[];
  /** How the scaling fixture's certificates are cloned (see fixture.ts). */
  fixture: FixtureMode;
  /** Dedicated spawns per server for the startup median (0: time the bench's own spawns). */
  startupRuns: number;
  /** Seconds of unrecorded load on each server before a request's first measurement. */
  warmup: number;
  smoke: boolean;
}

export const servers = ['kit', 'prism', 'mockoon', 'bare', 'http'] as const;
export type ServerName = (typeof servers)[number];
export const serverLabels: Record<ServerName, string> = {
  kit: 'kit (express mock)',
  prism: 'Prism (prism mock)',
  mockoon: 'Mockoon CLI (mockoon-cli start)',
  bare: 'bare express',
  http: 'bare node:http',
};

export const requestNames = ['getById', 'list', 'qualifications', 'write', 'writeFlow'] as const;
export type RequestName = (typeof requestNames)[number];
export const requestLabels: Record<RequestName, string> = {
  getById: 'GET certificate by id',
  list: 'list: filter + order + select, 50',
  qualifications: 'GET customer qualifications',
  write: 'write: POST enrollment',
  writeFlow: 'write flow: create enrollment + submit + complete',
};

/** The lists timed over growing fixtures, one request at a time. */
export const scalingLists = ['byId', 'client', 'clientToken', 'half'] as const;
export type ScalingList = (typeof scalingLists)[number];
export const scalingLabels: Record<ScalingList, string> = {
  byId: 'eq(id,…): one certificate',
  client: 'eq(client.id,…): 7 certificates',
  clientToken: 'client token, no filter: its own (1 in 500)',
  half: 'eq(status,Active) (50 %) + order + select, 50',
};
