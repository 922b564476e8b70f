/**
 * The world page: reads the control API (`/__control/state`, `/clock`, `/journal`), shows it,
 * and refreshes every few seconds. Plain browser JavaScript, served as is. It lists the
 * sessions (`/__control/sessions`); `?session=<id>` views one: every call then names it with
 * the `Mock-Session` header (the path prefix would lose the control token's cookie, which is
 * only sent under `/__control`).
 */
const control = new URL('..', location.href).pathname.replace(/\/$/, ''); // `/__control`
const DEFAULT_SESSION = 'default';
const session = new URLSearchParams(location.search).get('session') || DEFAULT_SESSION;
const statuses = ['Pending', 'Updating', 'Active', 'Expired', 'Terminated'];

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {string} tag
 * @param {Record<string, string | undefined>} attributes
 * @param {...(Node | string | undefined)} children
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** `2026-11-21T09:00:00.000Z` as `2026-11-21 09:00:00` (UTC). */
const when = (/** @type {string | undefined} */ iso) =>
  iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';

/**
 * A control API call; a refusal throws with the problem's `detail`.
 * @param {string} path
 * @param {unknown} [body]
 */
async function call(path, body) {
  /** @type {Record<string, string>} */
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  if (session !== DEFAULT_SESSION) headers['mock-session'] = session;
  const response = await fetch(`${control}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.detail ?? `HTTP ${response.status}`);
  return answer;
}

/** @param {string} text @param {'ok' | 'error'} kind */
function say(text, kind) {
  const message = $('message');
  message.textContent = text;
  message.dataset.kind = kind;
  message.hidden = false;
}

/** Runs a change, says how it went, and shows the new state. @param {() => Promise<string>} run */
async function change(run) {
  try {
    say(await run(), 'ok');
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), 'error');
  }
  await refresh();
}

/** @param {{ now: string, ticking: boolean }} clock */
function showClock(clock) {
  const now = $('clock-now');
  now.textContent = `${when(clock.now)} UTC`;
  now.setAttribute('datetime', clock.now);
  $('clock-ticking').textContent = clock.ticking
    ? 'follows real time from here'
    : 'stands still until moved';
}

/** @param {any[]} certificates */
function showCertificates(certificates) {
  $('certificates').replaceChildren(
    ...statuses.map((status) => {
      const group = certificates.filter((certificate) => certificate.status === status);
      return h(
        'div',
        { class: 'group', 'data-testid': `status-${status}` },
        h('h3', {}, h('span', { class: `badge ${status}` }, status), ` ${group.length}`),
        h(
          'ul',
          {},
          ...group.map((certificate) =>
            h(
              'li',
              { 'data-testid': 'certificate', 'data-id': certificate.id },
              h('code', {}, certificate.id),
              h('div', {}, certificate.name ?? ''),
              h(
                'div',
                { class: 'muted' },
                [
                  certificate.client?.name,
                  certificate.expirationDate && `expires ${certificate.expirationDate}`,
                ]
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
          ),
        ),
      );
    }),
  );
}

/** @param {string} customerId @param {'Approved' | 'Denied'} status */
function decide(customerId, status) {
  const button = h(
    'button',
    { type: 'button', class: 'secondary' },
    status === 'Approved' ? 'Approve' : 'Deny',
  );
  button.addEventListener('click', () =>
    change(async () => {
      const decision = { qualification: 'Education', status };
      const body =
        status === 'Denied' ? { ...decision, reason: 'Not an Education Customer' } : decision;
      await call(`/partner-center/customers/${customerId}/vetting`, body);
      return `Education of ${customerId} ${status}.`;
    }),
  );
  return button;
}

/** @param {any[]} customers */
function showReviews(customers) {
  const rows = customers.flatMap((customer) =>
    (customer.qualifications ?? [])
      .filter((/** @type {any} */ q) => q.vettingStatus === 'InReview')
      .map((/** @type {any} */ q) =>
        h(
          'tr',
          { 'data-testid': 'review', 'data-id': customer.id },
          h(
            'td',
            {},
            customer.companyProfile?.companyName ?? '',
            h('div', { class: 'muted' }, customer.id),
          ),
          h('td', {}, q.qualification),
          h('td', {}, when(q.vettingCreateDate)),
          h('td', {}, decide(customer.id, 'Approved'), ' ', decide(customer.id, 'Denied')),
        ),
      ),
  );
  $('reviews').replaceChildren(
    ...(rows.length > 0
      ? rows
      : [h('tr', {}, h('td', { colspan: '4', class: 'muted' }, 'Nothing in review.'))]),
  );
}

/** @param {any[]} entries newest first */
function showJournal(entries) {
  $('journal').replaceChildren(
    ...entries.map((entry) =>
      h(
        'tr',
        { 'data-testid': 'journal-entry' },
        h('td', {}, when(entry.at)),
        h('td', {}, entry.api),
        h('td', {}, h('code', {}, `${entry.method} ${entry.path}`)),
        h('td', { class: entry.status >= 400 ? 'failed' : undefined }, String(entry.status)),
        h('td', {}, String(entry.durationMs)),
      ),
    ),
  );
}

/** The link that views a session on this page. @param {string} id */
const sessionLink = (id) =>
  id === DEFAULT_SESSION ? './' : `./?session=${encodeURIComponent(id)}`;

/** @param {any[]} sessions the default first */
function showSessions(sessions) {
  $('sessions').replaceChildren(
    ...sessions.map((/** @type {any} */ one) =>
      h(
        'tr',
        {
          'data-testid': 'session',
          'data-id': one.id,
          'aria-current': one.id === session ? 'true' : undefined,
        },
        h('td', {}, h('code', {}, one.id)),
        h('td', {}, when(one.created)),
        h('td', {}, when(one.lastUsed)),
        h('td', { 'data-testid': 'session-objects' }, String(one.storedObjects)),
        h('td', { 'data-testid': 'session-requests' }, String(one.requests)),
        h(
          'td',
          {},
          one.id === session
            ? h('span', { class: 'muted' }, 'viewing')
            : h('a', { href: sessionLink(one.id), 'data-testid': 'open-session' }, 'Open'),
        ),
      ),
    ),
  );
}

async function refresh() {
  try {
    const { sessions } = await call('/sessions');
    showSessions(sessions);
    // Viewing a session that is gone would make it again (a session is made on first use).
    if (!sessions.some((/** @type {any} */ one) => one.id === session)) {
      say(`There is no session "${session}" (deleted, or idle past the session TTL).`, 'error');
      showCertificates([]);
      showReviews([]);
      showJournal([]);
      document.body.dataset.ready = 'true';
      return;
    }
    const [clock, state, journal] = await Promise.all([
      call('/clock'),
      call('/state'),
      call('/journal?limit=50'),
    ]);
    showClock(clock);
    showCertificates(state.program?.certificates ?? []);
    showReviews(state.partnerCenter?.customers ?? []);
    showJournal(journal.entries);
    document.body.dataset.ready = 'true';
  } catch (error) {
    say(`The control API did not answer: ${String(error)}`, 'error');
  }
}

$('advance-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const advance = /** @type {HTMLInputElement} */ ($('advance')).value.trim();
  void change(async () => {
    const clock = await call('/clock', { advance });
    return `Clock advanced by ${advance}: now ${when(clock.now)} UTC.`;
  });
});

$('reset').addEventListener('click', () =>
  change(async () => {
    await call('/reset', {});
    return 'Back to the seed.';
  }),
);

if (session !== DEFAULT_SESSION) {
  $('viewing').hidden = false;
  $('viewing-id').textContent = session;
  document.title = `${session}: ${document.title}`;
}

setInterval(() => {
  if (/** @type {HTMLInputElement} */ ($('auto-refresh')).checked) void refresh();
}, 3000);
void refresh();
