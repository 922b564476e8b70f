/**
 * Certificates: a status filter and paging written with the typed RQL builder, one page per
 * query (TanStack Query keeps the page shown while the next loads), and the two actions.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { rql } from '../../../src/client/index.js';
import { orThrow, refusal, type Api, type Certificate, type CertificateStatus } from './api.js';

export const PAGE_SIZE = 5;
const STATUSES: CertificateStatus[] = ['Active', 'Pending', 'Updating', 'Expired', 'Terminated'];

/** `in(status,(...))&order=id&limit=5&offset=...`, typed by the Certificate schema. */
export function certificatesQuery(statuses: CertificateStatus[], page: number) {
  const query = rql<Certificate>()
    .order('id')
    .limit(PAGE_SIZE)
    .offset(page * PAGE_SIZE);
  return statuses.length > 0 ? query.where((w) => w.in('status', statuses)) : query;
}

type Said = { kind: 'ok' | 'refused'; text: string } | undefined;

export function Certificates({ api, token }: { api: Api; token: string }) {
  const [statuses, setStatuses] = useState<CertificateStatus[]>([]);
  const [page, setPage] = useState(0);
  const [said, setSaid] = useState<Said>();
  const queryClient = useQueryClient();

  const list = useQuery({
    queryKey: ['certificates', token, statuses, page],
    queryFn: ({ signal }) =>
      api.program.page('/v1/program/certificates', {
        query: certificatesQuery(statuses, page),
        signal,
      }),
    placeholderData: keepPreviousData,
  });

  const done = (text: string) => {
    setSaid({ kind: 'ok', text });
    return queryClient.invalidateQueries({ queryKey: ['certificates'] });
  };
  const refused = (error: unknown) => setSaid({ kind: 'refused', text: refusal(error) });

  /** The client's re-enrollment: a Change enrollment as a draft, then submitted. */
  const reenroll = useMutation({
    mutationFn: async (certificate: Certificate) => {
      const draft = orThrow(
        await api.program.POST('/v1/program/enrollments', {
          body: {
            program: { id: certificate.program?.id ?? '' },
            certificate: { id: certificate.id },
          },
        }),
      );
      return orThrow(
        await api.program.POST('/v1/program/enrollments/{id}/submit', {
          params: { path: { id: draft.id } },
        }),
      );
    },
    onSuccess: (enrollment) =>
      done(`Re-enrollment ${enrollment.id}: ${enrollment.type}, ${enrollment.status}.`),
    onError: refused,
  });

  /** The vendor ends an Active certificate. */
  const terminate = useMutation({
    mutationFn: async (certificate: Certificate) =>
      orThrow(
        await api.program.POST('/v1/program/certificates/{id}/terminate', {
          params: { path: { id: certificate.id } },
          body: { statusNotes: { message: 'Terminated from the React example.' } },
        }),
      ),
    onSuccess: (certificate) => done(`${certificate.id} is ${certificate.status}.`),
    onError: refused,
  });

  const toggle = (status: CertificateStatus) => {
    setStatuses((now) =>
      now.includes(status) ? now.filter((s) => s !== status) : [...now, status],
    );
    setPage(0);
  };
  const total = list.data?.total;
  const last = total === undefined ? 0 : Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);

  return (
    <section aria-labelledby="certificates">
      <h2 id="certificates">Certificates</h2>
      <fieldset>
        <legend>Status</legend>
        {STATUSES.map((status) => (
          <label key={status}>
            <input
              type="checkbox"
              checked={statuses.includes(status)}
              onChange={() => toggle(status)}
            />
            {status}
          </label>
        ))}
      </fieldset>
      {said && (
        <p role={said.kind === 'refused' ? 'alert' : 'status'} data-kind={said.kind}>
          {said.text}
        </p>
      )}
      {list.isError && <p role="alert">{refusal(list.error)}</p>}
      {list.isPending && <p>Loading…</p>}
      {list.data && (
        <>
          <table>
            <thead>
              <tr>
                <th>Certificate</th>
                <th>Name</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((certificate) => (
                <tr key={certificate.id} data-testid="certificate" data-id={certificate.id}>
                  <td>{certificate.id}</td>
                  <td>{certificate.name}</td>
                  <td data-testid="status">{certificate.status}</td>
                  <td>
                    <button type="button" onClick={() => reenroll.mutate(certificate)}>
                      Re-enroll
                    </button>
                    <button type="button" onClick={() => terminate.mutate(certificate)}>
                      Terminate
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.data.length === 0 && <p>No certificates.</p>}
          <nav aria-label="pages">
            <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span>
              Page {page + 1} of {last + 1} ({total ?? '?'} certificates)
            </span>
            <button type="button" disabled={page >= last} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
