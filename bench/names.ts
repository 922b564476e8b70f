/** Names shared by the runner and the report: options, servers and requests. */
import type { FixtureMode } from './fixture.js';

export interface BenchOptions {
  /** Seconds per measurement. */
  duration: number;
  connections: number;
  /** Certificates per scaling step. */
  sizes: number[];
  /** How the scaling fixture's certificates are cloned (see fixture.ts). */
  fixture: FixtureMode;
  /** Dedicated spawns per server for the startup median (0: time the bench's own spawns). */
  startupRuns: number;
  /** Seconds of warm-up before each measurement (JIT, connection pools). */
  warmup: number;
  smoke: boolean;
}

export const servers = ['kit', 'prism', 'bare'] as const;
export type ServerName = (typeof servers)[number];
export const serverLabels: Record<ServerName, string> = {
  kit: 'kit (express mock)',
  prism: 'Prism (prism mock)',
  bare: 'bare express',
};

export const requestNames = ['getById', 'list', 'qualifications', 'writeFlow'] as const;
export type RequestName = (typeof requestNames)[number];
export const requestLabels: Record<RequestName, string> = {
  getById: 'GET certificate by id',
  list: 'list: filter + order + select, 50',
  qualifications: 'GET customer qualifications',
  writeFlow: 'write flow: create enrollment + submit + complete',
};
