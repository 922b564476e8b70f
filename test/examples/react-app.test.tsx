// @vitest-environment jsdom
/**
 * The React example (examples/react) with Testing Library, on msw in Node over the kit
 * (`setupMockServer`): the app's own components and typed clients, the real base URLs.
 * Sequential: every test resets the one kit world the server answers from, and Testing Library
 * renders into the one document, so `server.boundary()` (which scopes `server.use()` overrides,
 * not the world) would not make concurrent tests safe. jsdom, not happy-dom: decision 0062.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../examples/react/src/api.js';
import { App } from '../../examples/react/src/App.js';
import { setupMockServer } from '../../mocks/msw/node.js';
import { ids } from '../program/scenarios.js';

const config = configFromEnv({}, 'http://app.test');
const { server, control, kit } = setupMockServer({
  now: '2026-11-21T09:00:00Z',
  controlBaseUrl: config.controlUrl,
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  control.reset();
});
afterAll(() => server.close());

function renderApp(tokens: { programToken?: string; partnerCenterToken?: string } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <App config={{ ...config, ...tokens }} mode="test" />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const shownIds = () =>
  screen.getAllByTestId('certificate').map((row) => row.getAttribute('data-id'));
const row = (id: string) =>
  within(screen.getAllByTestId('certificate').find((r) => r.dataset.id === id)!);

describe('certificates', () => {
  it('lists the seeded certificates of the token, a page of five, and pages on', async () => {
    const user = renderApp();
    await screen.findByText('Page 1 of 2 (7 certificates)');
    expect(shownIds()).toEqual([
      ids.activeExpiringSoon,
      ids.pending,
      ids.updating,
      ids.terminated,
      ids.expired,
    ]);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 2 of 2 (7 certificates)');
    expect(shownIds()).toEqual(['CER-8815-4469-7752', ids.active]);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Next' }).disabled).toBe(true);
  });

  it('filters by status with the RQL builder', async () => {
    const user = renderApp();
    await screen.findByText('Page 1 of 2 (7 certificates)');
    await user.click(screen.getByLabelText('Expired'));
    await screen.findByText('Page 1 of 1 (1 certificates)');
    expect(shownIds()).toEqual([ids.expired]);
    await user.click(screen.getByLabelText('Terminated'));
    await screen.findByText('Page 1 of 1 (2 certificates)');
    expect(shownIds()).toEqual([ids.terminated, ids.expired]);
  });

  it('shows a terminate refusal as the API words it', async () => {
    const user = renderApp({ programToken: 'vendor-token' });
    await user.click(await screen.findByLabelText('Terminated'));
    await screen.findByText('Page 1 of 1 (1 certificates)');
    await user.click(row(ids.terminated).getByRole('button', { name: 'Terminate' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      `Certificate ${ids.terminated} is Terminated: only an Active certificate can be terminated.`,
    );
  });

  it('shows the role refusal for a client that terminates', async () => {
    const user = renderApp();
    await screen.findByText('Page 1 of 2 (7 certificates)');
    await user.click(row(ids.pending).getByRole('button', { name: 'Terminate' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The client role may not call terminateCertificate.',
    );
  });

  it('re-enrolls an Expired certificate; the list shows it Updating', async () => {
    const user = renderApp();
    await screen.findByText('Page 1 of 2 (7 certificates)');
    expect(row(ids.expired).getByTestId('status').textContent).toContain('Expired');
    await user.click(row(ids.expired).getByRole('button', { name: 'Re-enroll' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/: Change, Processing\.$/);
    await waitFor(() =>
      expect(row(ids.expired).getByTestId('status').textContent).toContain('Updating'),
    );
    expect(kit.world.program.certificates.get(ids.expired)?.status).toBe('Updating');
  });
});

describe('qualifications', () => {
  const education = () =>
    screen.getAllByTestId('qualification').find((q) => q.dataset.name === 'Education')!;

  it('shows a review InReview and approves it through the control API', async () => {
    const user = renderApp();
    await user.selectOptions(
      await screen.findByLabelText('Customer'),
      await screen.findByRole('option', { name: 'Lakeview Learning Center' }),
    );
    await waitFor(() => expect(education().textContent).toContain('Education: InReview'));
    await user.click(within(education()).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(education().textContent).toContain('Education: Approved'));
    expect(within(education()).queryByRole('button')).toBeNull();
  });

  it('requests Education, and the virtual clock lets the policy decide', async () => {
    const user = renderApp();
    await user.selectOptions(
      await screen.findByLabelText('Customer'),
      await screen.findByRole('option', { name: 'Lakeview Learning Center' }),
    );
    await waitFor(() => expect(education().textContent).toContain('InReview'));
    await user.click(screen.getByRole('button', { name: 'Advance the clock 3 days' }));
    // Not an academic domain: the default policy denies it 2 days after load.
    await waitFor(() => expect(education().textContent).toContain('Education: Denied'));
  });

  it('requests a qualification for a customer with none', async () => {
    const user = renderApp();
    await user.selectOptions(
      await screen.findByLabelText('Customer'),
      await screen.findByRole('option', { name: 'Contoso School District' }),
    );
    await screen.findByText('No qualifications.');
    await user.click(screen.getByRole('button', { name: 'Request Education' }));
    await waitFor(() => expect(education().textContent).toContain('Education: InReview'));
  });
  it('shows Partner Center’s refusal in its own words (description)', async () => {
    const user = renderApp({ partnerCenterToken: 'reader-token' });
    await user.selectOptions(
      await screen.findByLabelText('Customer'),
      await screen.findByRole('option', { name: 'Contoso School District' }),
    );
    await screen.findByText('No qualifications.');
    await user.click(screen.getByRole('button', { name: 'Request Education' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The reader role may not call createCustomerQualification.',
    );
  });
});
