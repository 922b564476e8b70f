/** The page: the two tokens to call with, then certificates and qualifications. */
import { useMemo, useRef, useState } from 'react';
import { createApi, type Config } from './api.js';
import { Certificates } from './Certificates.js';
import { Qualifications } from './Qualifications.js';

export function App({ config, mode }: { config: Config; mode: string }) {
  const [program, setProgram] = useState(config.programToken);
  const [partnerCenter, setPartnerCenter] = useState(config.partnerCenterToken);
  const tokens = useRef({ program, partnerCenter });
  tokens.current = { program, partnerCenter };
  const api = useMemo(() => createApi(config, () => tokens.current), [config]);

  return (
    <main>
      <header>
        <h1>Partner eligibility</h1>
        <p data-testid="mode">{mode}</p>
        <label>
          Program API token{' '}
          <input value={program} onChange={(event) => setProgram(event.target.value)} />
        </label>{' '}
        <label>
          Partner Center token{' '}
          <input value={partnerCenter} onChange={(event) => setPartnerCenter(event.target.value)} />
        </label>
      </header>
      <Certificates api={api} token={program} />
      <Qualifications api={api} token={partnerCenter} />
    </main>
  );
}
