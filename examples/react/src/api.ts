/**
 * The app's side of the two APIs: the kit's typed clients (`eligibility-mock-kit/client`), the
 * control API of the mock (vetting decisions, the clock) and the words of a refusal.
 */
import {
  ApiError,
  createPartnerCenterClient,
  createProgramClient,
  PARTNER_CENTER_URL,
  PROGRAM_API_URL,
  type PartnerCenterClient,
  type ProgramClient,
} from '../../../src/client/index.js';
import type { components as PartnerCenter } from '../../../src/generated/partner-center.js';
import type { components as Program } from '../../../src/generated/program-api.js';

export type Certificate = Program['schemas']['Certificate'];
export type CertificateStatus = Program['schemas']['CertificateStatus'];
export type CustomerQualification = PartnerCenter['schemas']['CustomerQualification'];

export interface Config {
  programUrl: string;
  partnerCenterUrl: string;
  /** The kit's control API; none against a real service. */
  controlUrl: string | undefined;
  programToken: string;
  partnerCenterToken: string;
}

/** The `VITE_*` variables, each with its default: the real services, the seed's tokens. */
export function configFromEnv(env: Partial<Record<string, string>>, origin: string): Config {
  return {
    programUrl: env.VITE_PROGRAM_API_URL ?? PROGRAM_API_URL,
    partnerCenterUrl: env.VITE_PARTNER_CENTER_URL ?? PARTNER_CENTER_URL,
    controlUrl: env.VITE_CONTROL_URL ?? `${origin}/__control`,
    programToken: env.VITE_PROGRAM_TOKEN ?? 'client-token',
    partnerCenterToken: env.VITE_PARTNER_CENTER_TOKEN ?? 'partner-token',
  };
}

export interface Api {
  program: ProgramClient;
  partnerCenter: PartnerCenterClient;
  /** POSTs a JSON body to the control API; throws its problem as an ApiError. */
  control(path: string, body: unknown): Promise<unknown>;
}

/** The clients read the token per request, so a token changed on the page applies at once. */
export function createApi(
  config: Config,
  tokens: () => { program: string; partnerCenter: string },
): Api {
  return {
    program: createProgramClient({ baseUrl: config.programUrl, token: () => tokens().program }),
    partnerCenter: createPartnerCenterClient({
      baseUrl: config.partnerCenterUrl,
      token: () => tokens().partnerCenter,
    }),
    async control(path, body) {
      if (!config.controlUrl) throw new Error('No control API (VITE_CONTROL_URL) to call.');
      const response = await fetch(`${config.controlUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw new ApiError(response.status, answer);
      return answer;
    },
  };
}

/** An openapi-fetch result's data, or its error body thrown as an ApiError. */
export function orThrow<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok)
    throw new ApiError(result.response.status, result.error);
  return result.data as T;
}

/**
 * A refusal as the API words it: problem details' `detail` (else `title`), Partner Center's
 * `description`; anything else (a network error) by its message.
 */
export function refusal(error: unknown): string {
  if (error instanceof ApiError && typeof error.body === 'object' && error.body !== null) {
    const { detail, title, description } = error.body as Record<string, unknown>;
    const words = [detail, description, title].find((part) => typeof part === 'string');
    if (words) return words as string;
  }
  return error instanceof Error ? error.message : String(error);
}
