/**
 * The page: certificates (list, filters, detail with audit trail, re-enroll, terminate) and a
 * Partner Center customer's qualifications. It only knows `Api`; which door answers is main.ts's
 * business.
 */
import type {
  Api,
  ApiError,
  Certificate,
  CertificateFilter,
  CustomerQualification,
} from './api.js';
import { byId, h, when } from './dom.js';

/** Events at the same instant read best in lifecycle order (`updated` comes with every change). */
const lifecycle = ['created', 'pending', 'updating', 'activated', 'expired', 'terminated'];
const rank = (event: string) => {
  const index = lifecycle.indexOf(event);
  return index === -1 ? lifecycle.length : index;
};

type AuditEvent = NonNullable<NonNullable<Certificate['audit']>['created']>;

/** The certificate's audit events, oldest first. */
export function auditTrail(certificate: Certificate): [string, AuditEvent][] {
  return Object.entries(certificate.audit ?? {})
    .filter((entry): entry is [string, AuditEvent] => entry[1] !== undefined)
    .sort(([a, x], [b, y]) => Date.parse(x.at ?? '') - Date.parse(y.at ?? '') || rank(a) - rank(b));
}

const badge = (status: string | undefined, testid?: string) =>
  h('span', { class: `badge ${status ?? ''}`, 'data-testid': testid }, status ?? 'unknown');

export function startApp(api: Api): Promise<void> {
  const message = byId<HTMLParagraphElement>('message');
  const filters = byId<HTMLFormElement>('filters');
  const rows = byId<HTMLTableSectionElement>('certificate-rows');
  const total = byId<HTMLParagraphElement>('certificate-total');
  const detail = byId<HTMLDivElement>('certificate-detail');
  const customer = byId<HTMLSelectElement>('customer');
  const qualifications = byId<HTMLUListElement>('qualifications');
  const qualificationForm = byId<HTMLFormElement>('qualification-form');
  let opened: string | undefined;

  function say(text: string, kind: 'ok' | 'error') {
    message.textContent = text;
    message.dataset.kind = kind;
    message.hidden = false;
  }
  const fail = (error: ApiError) =>
    say(`${error.code}: ${error.message} (HTTP ${error.status})`, 'error');

  /** A user action: the previous message goes, the new outcome (or error) replaces it. */
  const act = (run: () => Promise<unknown>) => () => {
    message.hidden = true;
    void run();
  };

  // ------------------------------------------------------------- certificates

  async function loadCertificates() {
    const form = new FormData(filters);
    const filter: CertificateFilter = {
      status: String(form.get('status') ?? '') as CertificateFilter['status'],
      name: String(form.get('name') ?? ''),
      order: String(form.get('order') ?? '-audit.created.at'),
    };
    const { data, error } = await api.listCertificates(filter);
    rows.replaceChildren();
    if (error) {
      total.textContent = '';
      return fail(error);
    }
    total.textContent = `${data.$meta?.pagination?.total ?? 0} certificate(s)`;
    for (const certificate of data.data ?? []) {
      const open = h(
        'button',
        { class: 'link', type: 'button' },
        certificate.name ?? certificate.id,
      );
      open.addEventListener(
        'click',
        act(() => openCertificate(certificate.id)),
      );
      rows.append(
        h(
          'tr',
          {
            'data-testid': 'certificate-row',
            'data-id': certificate.id,
            class: certificate.id === opened ? 'selected' : undefined,
          },
          h('td', {}, open, h('div', { class: 'muted' }, certificate.id)),
          h('td', {}, badge(certificate.status)),
          h('td', {}, certificate.expirationDate ?? ''),
        ),
      );
    }
  }

  async function openCertificate(id: string) {
    const { data, error } = await api.getCertificate(id);
    if (error) {
      opened = undefined;
      detail.replaceChildren(h('p', { class: 'muted' }, `Certificate ${id} could not be read.`));
      return fail(error);
    }
    opened = id;
    showCertificate(data);
    for (const row of rows.querySelectorAll<HTMLElement>('tr'))
      row.classList.toggle('selected', row.dataset.id === id);
  }

  function showCertificate(certificate: Certificate) {
    const holder = certificate.licensee ?? certificate.buyer;
    const fields: [string, Node | string | undefined][] = [
      ['Id', certificate.id],
      ['Status', badge(certificate.status, 'certificate-status')],
      ['Program', certificate.program?.name],
      ['Client', certificate.client?.name],
      [certificate.applicableTo ?? 'Holder', holder?.name ?? undefined],
      ['Expires', certificate.expirationDate ?? undefined],
      ['Status notes', certificate.statusNotes ?? undefined],
    ];
    const reenroll = h('button', { type: 'button', 'data-testid': 'reenroll' }, 'Re-enroll');
    reenroll.addEventListener(
      'click',
      act(async () => {
        const { data, error } = await api.reenroll(certificate);
        if (error) return fail(error);
        say(`Re-enrollment ${data.id} created: ${data.type}, ${data.status}.`, 'ok');
        await Promise.all([openCertificate(certificate.id), loadCertificates()]);
      }),
    );
    const reason = h('input', {
      'data-testid': 'terminate-message',
      placeholder: 'Reason (statusNotes.message)',
      value: 'The partner no longer meets the program requirements.',
    });
    const terminate = h('form', { class: 'inline' }, reason);
    terminate.append(h('button', { 'data-testid': 'terminate' }, 'Terminate'));
    terminate.addEventListener('submit', (event) => {
      event.preventDefault();
      act(async () => {
        const { data, error } = await api.terminate(certificate.id, reason.value);
        if (error) return fail(error);
        say(`Certificate ${data.id} is now ${data.status}.`, 'ok');
        showCertificate(data);
        await loadCertificates();
      })();
    });

    detail.replaceChildren(
      h('h3', { 'data-testid': 'certificate-name' }, certificate.name ?? certificate.id),
      h(
        'dl',
        {},
        ...fields
          .filter(([, value]) => value !== undefined)
          .flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
      ),
      h('h4', {}, 'Audit trail'),
      h(
        'ol',
        { class: 'audit', 'data-testid': 'audit-trail' },
        ...auditTrail(certificate).map(([event, { at, by }]) =>
          h(
            'li',
            { 'data-testid': 'audit-event', 'data-event': event },
            h('time', { datetime: at }, when(at)),
            ' ',
            h('strong', {}, event),
            ` by ${by?.name ?? by?.id ?? 'unknown'}`,
          ),
        ),
      ),
      h('h4', {}, 'Actions'),
      h(
        'div',
        { class: 'actions' },
        h('div', {}, reenroll, h('span', { class: 'muted' }, ' client; Active or Expired')),
        h('div', {}, terminate, h('span', { class: 'muted' }, ' vendor; Active only')),
      ),
    );
  }

  // ------------------------------------------------------------- Partner Center

  async function loadCustomers() {
    const chosen = customer.value;
    const { data, error } = await api.listCustomers();
    if (error) {
      customer.replaceChildren();
      qualifications.replaceChildren();
      return fail(error);
    }
    customer.replaceChildren(
      ...data.items.map((item) =>
        h(
          'option',
          { value: item.id },
          `${item.companyProfile.companyName ?? item.id} (${item.companyProfile.domain ?? ''})`,
        ),
      ),
    );
    if (data.items.some((item) => item.id === chosen)) customer.value = chosen;
    await loadQualifications();
  }

  const describe = (q: CustomerQualification) =>
    h(
      'li',
      { 'data-testid': 'qualification', 'data-qualification': q.qualification },
      h('strong', {}, q.qualification),
      ' ',
      q.vettingStatus ? badge(q.vettingStatus) : badge('Granted'),
      q.vettingCreateDate ? ` requested ${when(q.vettingCreateDate)}` : '',
      q.vettingReason ? `: ${q.vettingReason}` : '',
    );

  async function loadQualifications() {
    if (!customer.value) return;
    const { data, error } = await api.listQualifications(customer.value);
    if (error) {
      qualifications.replaceChildren();
      return fail(error);
    }
    qualifications.replaceChildren(
      ...(data.length > 0
        ? data.map(describe)
        : [h('li', { class: 'muted' }, 'No qualifications.')]),
    );
  }

  qualificationForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(qualificationForm);
    const qualification = String(form.get('qualification'));
    const request: Record<string, string> = { qualification };
    if (qualification === 'Education')
      request.educationSegment = String(form.get('educationSegment'));
    if (qualification === 'GovernmentCommunityCloud')
      request.validationCode = String(form.get('validationCode'));
    act(async () => {
      const { data, error } = await api.requestQualification(customer.value, request);
      if (error) return fail(error);
      say(`${data.qualification} requested: ${data.vettingStatus ?? 'granted at once'}.`, 'ok');
      await loadQualifications();
    })();
  });

  // ------------------------------------------------------------- wiring

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    act(loadCertificates)();
  });
  byId('program-token').addEventListener(
    'change',
    act(async () => {
      await loadCertificates();
      if (opened) await openCertificate(opened);
    }),
  );
  byId('partner-token').addEventListener('change', act(loadCustomers));
  customer.addEventListener('change', act(loadQualifications));

  return Promise.all([loadCertificates(), loadCustomers()]).then(() => undefined);
}
