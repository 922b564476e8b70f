/**
 * Partner Center: a customer's qualifications and their vetting. An Education request is
 * InReview until someone decides it: here the kit's control API (Approve, Deny) or its virtual
 * clock (the default policy decides once the review time has passed).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { orThrow, refusal, type Api } from './api.js';

export function Qualifications({ api, token }: { api: Api; token: string }) {
  const [customer, setCustomer] = useState('');
  const [refused, setRefused] = useState<string>();
  const queryClient = useQueryClient();

  const customers = useQuery({
    queryKey: ['customers', token],
    queryFn: async ({ signal }) =>
      orThrow(await api.partnerCenter.GET('/v1/customers', { signal })),
  });
  const qualifications = useQuery({
    queryKey: ['qualifications', token, customer],
    enabled: customer !== '',
    queryFn: async ({ signal }) =>
      orThrow(
        await api.partnerCenter.GET('/v1/customers/{customer-tenant-id}/qualifications', {
          params: { path: { 'customer-tenant-id': customer } },
          signal,
        }),
      ),
  });

  const changed = {
    onSuccess: () => {
      setRefused(undefined);
      return queryClient.invalidateQueries({ queryKey: ['qualifications'] });
    },
    onError: (error: unknown) => setRefused(refusal(error)),
  };
  const request = useMutation({
    mutationFn: async () =>
      orThrow(
        await api.partnerCenter.POST('/v1/customers/{customer-tenant-id}/qualifications', {
          params: { path: { 'customer-tenant-id': customer } },
          body: { qualification: 'Education', educationSegment: 'K12' },
        }),
      ),
    ...changed,
  });
  const vet = useMutation({
    mutationFn: (status: 'Approved' | 'Denied') =>
      api.control(`/partner-center/customers/${customer}/vetting`, {
        qualification: 'Education',
        status,
        ...(status === 'Denied' ? { reason: 'Not an Education Customer' } : {}),
      }),
    ...changed,
  });
  const advance = useMutation({
    mutationFn: () => api.control('/clock', { advance: 'P3D' }),
    ...changed,
  });

  return (
    <section aria-labelledby="qualifications">
      <h2 id="qualifications">Qualifications</h2>
      <label>
        Customer{' '}
        <select value={customer} onChange={(event) => setCustomer(event.target.value)}>
          <option value="">(pick one)</option>
          {customers.data?.items?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.companyProfile?.companyName ?? c.id}
            </option>
          ))}
        </select>
      </label>
      {customers.isError && <p role="alert">{refusal(customers.error)}</p>}
      {refused && <p role="alert">{refused}</p>}
      {qualifications.isError && <p role="alert">{refusal(qualifications.error)}</p>}
      {qualifications.data && (
        <>
          <ul>
            {qualifications.data.map((q) => (
              <li key={q.qualification} data-testid="qualification" data-name={q.qualification}>
                {q.qualification}: <strong>{q.vettingStatus ?? 'Granted'}</strong>
                {q.vettingReason ? ` (${q.vettingReason})` : ''}
                {q.vettingStatus === 'InReview' && (
                  <>
                    {' '}
                    <button type="button" onClick={() => vet.mutate('Approved')}>
                      Approve
                    </button>
                    <button type="button" onClick={() => vet.mutate('Denied')}>
                      Deny
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
          {qualifications.data.length === 0 && <p>No qualifications.</p>}
          <button type="button" onClick={() => request.mutate()}>
            Request Education
          </button>{' '}
          <button type="button" onClick={() => advance.mutate()}>
            Advance the clock 3 days
          </button>
        </>
      )}
    </section>
  );
}
