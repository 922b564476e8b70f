import { readHarFile } from './contracts/har.js';
import { fixtureFromHar } from './contracts/from-har.js';
import { createKit } from './src/kit.js';
import { startService, session, ports } from './test/keep-true/support.js';
import { startRecorder } from './mocks/record/proxy.js';
import { isDeepStrictEqual } from 'node:util';
const s = await startService(ports.seed);
const r = await startRecorder({ target: s.url, out: '/tmp/d0.har', port: ports.seed + 1 });
await session(r.url);
await r.close(); await s.close();
const rec = await readHarFile('/tmp/d0.har');
const f = fixtureFromHar(rec, { now: '2026-11-21T09:00:00.000Z' });
console.log(f.taken, f.stubs, f.notes);
const t = await startService(ports.seed + 2, createKit({ seed: f.fixture, now: '2026-11-21T09:00:00.000Z' }));
for (const e of rec) {
  const token = e.api === 'program-api' ? 'ops-token' : 'partner-token';
  const url = new URL(e.entry.request.url); const res = await fetch(`${t.url}${url.pathname}${url.search}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  const same = res.status === e.response.status && isDeepStrictEqual(body, e.response.json);
  console.log(e.index, e.operation?.operationId, res.status, e.response.status, same);
  if (!same) { const a = JSON.stringify(body), b = JSON.stringify(e.response.json); let i=0; while (a[i]===b[i]) i++; console.log(' got ', a.slice(i-100, i+150)); console.log(' want', b.slice(i-100, i+150)); }
}
await t.close();
