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

/** A fixed list of names, each with its label: the names in order, and the labels by name. */
function named<const Labels extends Record<string, string>>(labels: Labels) {
  return { names: Object.keys(labels) as (keyof Labels & string)[], labels };
}

export const { names: servers, labels: serverLabels } = named({
  kit: 'kit (express mock)',
  prism: 'Prism (prism mock)',
  mockoon: 'Mockoon CLI (mockoon-cli start)',
  bare: 'bare express',
  http: 'bare node:http',
});
export type ServerName = (typeof servers)[number];

export const { names: requestNames, labels: requestLabels } = named({
  getById: 'GET certificate by id',
  list: 'list: filter + order + select, 50',
  qualifications: 'GET customer qualifications',
  write: 'write: POST enrollment',
  writeFlow: 'write flow: create enrollment + submit + complete',
});
export type RequestName = (typeof requestNames)[number];

/** The lists timed over growing fixtures, one request at a time. */
export const { names: scalingLists, labels: scalingLabels } = named({
  byId: 'eq(id,…): one certificate',
  client: 'eq(client.id,…): 7 certificates',
  clientToken: 'client token, no filter: its own (1 in 500)',
  half: 'eq(status,Active) (50 %) + order + select, 50',
});
export type ScalingList = (typeof scalingLists)[number];
