/**
 * The control API over HTTP: `/__control/...` as protocol-neutral requests and answers, over the
 * plain functions of src/core/control.ts (both doors serve it through the kit).
 */
import { ControlError, type Control } from '../core/control.js';
import type { VettingDecision } from '../core/partner/vetting.js';
import { parseShared } from '../core/shared-json.js';
import type { Seed } from '../core/world.js';
import { json, type KitRequest, type KitResponse } from '../http/types.js';
import { isRecord } from '../schema/index.js';

const controlTitles: Record<number, string> = {
  401: 'Control token required.',
  403: 'Forbidden.',
  404: 'Not found.',
  409: 'Conflict.',
  413: 'Fixture too large.',
  429: 'Too many sessions.',
  500: 'Control API error.',
  503: 'Not saved.',
};

/** An answer of the control API when it refuses: problem details, never an HTML page. */
export const problem = (status: number, detail: string, errors?: readonly string[]): KitResponse =>
  json(
    status,
    {
      type: 'about:blank',
      title: controlTitles[status] ?? 'Bad control request.',
      status,
      detail,
      ...(errors ? { errors } : {}),
    },
    'application/problem+json',
  );

const notJson = (why: string) => problem(400, `The body is not valid JSON: ${why}.`);

/** `/__control/...` over the protocol-neutral request type; `path` is what follows `/__control`. */
export function handleControl(control: Control, request: KitRequest, path: string): KitResponse {
  const route = `${request.method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
  let body: unknown = undefined;
  if (request.json) {
    if ('error' in request.json) return notJson(request.json.error);
    body = request.json.value;
  } else if (request.body && request.body.trim() !== '') {
    try {
      // A fixture may be hundreds of megabytes: its repeated objects are read once and shared.
      body = route === 'POST /seed' ? parseShared(request.body) : JSON.parse(request.body);
    } catch (error) {
      return notJson((error as Error).message);
    }
  }
  try {
    const vetting = /^POST \/partner-center\/customers\/([^/]+)\/vetting$/.exec(route);
    if (vetting) {
      if (!isRecord(body))
        return problem(
          400,
          'Send {"qualification": "Education", "status": "Approved" | "Denied", "reason"?: "..."}.',
        );
      return json(200, control.vet(vetting[1]!, body as unknown as VettingDecision));
    }
    switch (route) {
      case 'POST /reset': {
        // `?coverage=true` or `{"coverage": true}` clears the rule coverage as well.
        const coverage =
          /(?:^|&)coverage=(?:true|1)(?:&|$)/.test(request.rawQuery) ||
          (isRecord(body) && body.coverage === true);
        control.reset({ coverage });
        return json(200, { reset: true, clock: control.clock() });
      }
      case 'GET /coverage':
        return json(200, { coverage: control.coverage() });
      case 'GET /clock':
        return json(200, control.clock());
      case 'POST /clock':
        if (!isRecord(body))
          return problem(400, 'Send {"now": "<ISO date-time>"} or {"advance": "P30D"}.');
        return json(200, control.setClock(body as { now?: string; advance?: string }));
      case 'GET /journal': {
        const limit = Number(/(?:^|&)limit=(\d+)/.exec(request.rawQuery)?.[1] ?? 50);
        return json(200, { entries: control.journal(limit) });
      }
      case 'POST /seed':
        if (!isRecord(body))
          return problem(400, 'Send a fixture object: {"program": {...}, "partnerCenter": {...}}.');
        control.seed(body as Seed, { read: true });
        return json(200, { seeded: true, clock: control.clock() });
      case 'GET /state':
        return json(200, control.state());
      case 'GET /faults':
        return json(200, { faults: control.faults() });
      case 'POST /faults':
        return json(201, control.addFault(body));
      case 'DELETE /faults':
        control.clearFaults();
        return json(200, { faults: [] });
      default:
        return problem(404, `The control API has no ${route}.`);
    }
  } catch (error) {
    if (error instanceof ControlError) return problem(error.status, error.message, error.problems);
    throw error;
  }
}
