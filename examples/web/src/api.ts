/**
 * The two APIs as the app sees them: plain `fetch` to two base URLs, whichever answers them
 * (msw's service worker in the browser, or the express mock). Types come from the spec.
 */
import type { components as PartnerCenter } from '../../../src/generated/partner-center.js';
import type { components as Program } from '../../../src/generated/program-api.js';

export type Certificate = Program['schemas']['Certificate'];
export type CertificateStatus = Program['schemas']['CertificateStatus'];
export type Enrollment = Program['schemas']['Enrollment'];
type CertificateList = Program['schemas']['CertificateList'];
type Problem = Program['schemas']['Problem'];
export type Customer = PartnerCenter['schemas']['Customer'];
export type CustomerQualification = PartnerCenter['schemas']['CustomerQualification'];
type CustomerCollection = PartnerCenter['schemas']['CustomerCollection'];
type PartnerCenterError = PartnerCenter['schemas']['Error'];

export interface BaseUrls {
  /** e.g. `https://api.platform.softwareone.com/public` */
  program: string;
  /** e.g. `https://api.partnercenter.microsoft.com` */
  partnerCenter: string;
}

/** An API's own error, in one shape for the page: problem details or a Partner Center error. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export type Result<T> = { data: T; error?: undefined } | { data?: undefined; error: ApiError };

export interface CertificateFilter {
  status: CertificateStatus | '';
  name: string;
  order: string;
}

/** An RQL value: quoted when it holds characters RQL gives a meaning to, then URL-encoded. */
function rqlValue(text: string): string {
  const value = /[,()'"\s]/.test(text) ? `"${text.replace(/"/g, '')}"` : text;
  return encodeURIComponent(value);
}

/** `eq(status,Active)&ilike(name,*text*)&order=...`: the query string of a certificate search. */
export function certificateQuery(filter: CertificateFilter): string {
  const parts: string[] = [];
  if (filter.status) parts.push(`eq(status,${filter.status})`);
  const name = filter.name.trim();
  if (name) parts.push(`ilike(name,${rqlValue(`*${name}*`)})`);
  parts.push(`order=${filter.order}`, 'limit=50');
  return parts.join('&');
}

function toError(status: number, body: unknown): ApiError {
  const problem = body as Partial<Problem & PartnerCenterError> | undefined;
  return {
    status,
    code: String(problem?.code ?? `HTTP ${status}`),
    // Problem details say it in `detail` (or `title`), Partner Center in `description`.
    message: problem?.detail ?? problem?.description ?? problem?.title ?? 'No error body.',
  };
}

async function call<T>(url: string, token: string, init: RequestInit = {}): Promise<Result<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  } catch (error) {
    return { error: { status: 0, code: 'NetworkError', message: String(error) } };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return response.ok ? { data: body as T } : { error: toError(response.status, body) };
}

export function createApi(
  base: BaseUrls,
  tokens: () => { program: string; partnerCenter: string },
) {
  const program = `${base.program}/v1/program`;
  const customers = `${base.partnerCenter}/v1/customers`;
  const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    body: JSON.stringify(body),
    headers,
  });
  return {
    listCertificates: (filter: CertificateFilter) =>
      call<CertificateList>(
        `${program}/certificates?${certificateQuery(filter)}`,
        tokens().program,
      ),
    getCertificate: (id: string) =>
      call<Certificate>(`${program}/certificates/${id}`, tokens().program),
    /**
     * A re-enrollment as the real API takes it (client): a Change enrollment created as a draft
     * for an Active or Expired certificate, then submitted.
     */
    reenroll: async (certificate: Certificate) => {
      const draft = await call<Enrollment>(
        `${program}/enrollments`,
        tokens().program,
        post({ program: { id: certificate.program?.id }, certificate: { id: certificate.id } }),
      );
      if (draft.error) return draft;
      return call<Enrollment>(`${program}/enrollments/${draft.data.id}/submit`, tokens().program, {
        method: 'POST',
      });
    },
    /** Ends an Active certificate (vendor of its program). */
    terminate: (id: string, message: string) =>
      call<Certificate>(
        `${program}/certificates/${id}/terminate`,
        tokens().program,
        post({ statusNotes: { message } }),
      ),
    listCustomers: () => call<CustomerCollection>(customers, tokens().partnerCenter),
    listQualifications: (customerId: string) =>
      call<CustomerQualification[]>(
        `${customers}/${customerId}/qualifications`,
        tokens().partnerCenter,
      ),
    /** Writes are idempotent per MS-RequestId, so every new request gets a fresh one. */
    requestQualification: (customerId: string, request: Record<string, string>) =>
      call<CustomerQualification>(
        `${customers}/${customerId}/qualifications`,
        tokens().partnerCenter,
        post(request, { 'MS-RequestId': crypto.randomUUID() }),
      ),
  };
}

export type Api = ReturnType<typeof createApi>;
