/**
 * Issue 23, point 8: two replicas of the kit behind nginx (examples/scale-out), pinned by
 * session. Twenty sessions write through nginx, one replica is SIGKILLed and restarted, and
 * every acknowledged write is found again in its session. Needs Debian's nginx at
 * /usr/sbin/nginx: without it the test skips on a developer machine and fails in CI (where `CI`
 * is set and .ci/run installs the package).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, startScaleOut, type ScaleOut } from '../../examples/scale-out/scale-out.js';

const noNginx = !existsSync(NGINX) && !process.env.CI;
if (noNginx)
  console.warn(
    `Skipping the nginx scale-out test: ${NGINX} is missing. Install it with ` +
      '`apt-get install -y nginx` (CI does, and there the test never skips).',
  );

/** nginx on 4760, the replicas on 4761 and 4762. */
const PORT = 4760;
const SESSIONS = 20;

/** A session named by the header (by default: the even ones) or by the path prefix. */
function call(
  url: string,
  session: number,
  path: string,
  init: RequestInit = {},
  byHeader = session % 2 === 0,
) {
  const id = `ci-${session}`;
  return fetch(byHeader ? `${url}${path}` : `${url}/__session/${id}${path}`, {
    ...init,
    headers: {
      authorization: 'Bearer client-token',
      ...(byHeader ? { 'mock-session': id } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  });
}

const enroll = (url: string, session: number) =>
  call(url, session, '/public/v1/program/enrollments', {
    method: 'POST',
    body: JSON.stringify({
      program: { id: 'PRG-9643-3741' },
      licensee: { id: 'LCE-5758-4071-6507' },
      parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: `MPN-${session}` }] },
    }),
  });

/** The sessions a replica holds (asked directly, not through nginx), the default left out. */
async function held(port: number): Promise<string[]> {
  const answer = await fetch(`http://127.0.0.1:${port}/__control/sessions`);
  const { sessions } = (await answer.json()) as { sessions: { id: string }[] };
  return sessions.map((s) => s.id).filter((id) => id !== 'default');
}

describe.skipIf(noNginx)('replicas behind nginx, pinned by session', () => {
  let mock: ScaleOut;
  beforeAll(async () => {
    mock = await startScaleOut({ port: PORT, replicas: 2 });
  });
  afterAll(() => mock?.stop());

  it('keeps every session on one replica, and every acknowledged write across a SIGKILL of one', async () => {
    const written = new Map<number, string>();
    for (let session = 0; session < SESSIONS; session++) {
      const made = await enroll(mock.url, session);
      expect(made.status).toBe(201);
      written.set(session, ((await made.json()) as { id: string }).id);
    }
    // Made explicitly: Mock-Session routes the call to the replica that will hold the session.
    const opened = await fetch(`${mock.url}/__control/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'mock-session': 'ci-opened' },
      body: JSON.stringify({ id: 'ci-opened', now: '2026-01-01T00:00:00Z' }),
    });
    expect(opened.status).toBe(201);
    // A write without a session goes to the default session on the first replica.
    const unnamed = await fetch(`${mock.url}/__control/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'P10D' }),
    });
    expect(unnamed.status).toBe(200);
    const defaultNow = ((await unnamed.json()) as { now: string }).now;

    // Each session lives on exactly one replica, and the hash spreads them over both.
    const [first, second] = [await held(PORT + 1), await held(PORT + 2)];
    const all = [...Array.from(written.keys(), (session) => `ci-${session}`), 'ci-opened'];
    expect([...first, ...second].sort()).toEqual([...all].sort());
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    // ci-opened hashes to the second replica: had the POST reached the first (the one for calls
    // without a session), the session would be there.
    expect(second).toContain('ci-opened');

    // The replica down: its sessions answer 503 (JSON, Retry-After), and none is made afresh
    // on the other replica meanwhile.
    const victim = second.includes('ci-0') ? 1 : 0;
    const victims = victim === 1 ? second : first;
    const survivor = PORT + 2 - victim;
    mock.replicas[victim]!.child.kill('SIGKILL');
    await new Promise((r) => mock.replicas[victim]!.child.once('exit', r));
    const refused = await call(mock.url, 0, `/public/v1/program/enrollments/${written.get(0)}`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { status: number }).status).toBe(503);
    expect(await held(survivor)).not.toContain('ci-0');
    await mock.crash(victim);

    // Read through both selectors: the header and the path prefix pin a session alike.
    for (const [session, id] of written)
      for (const byHeader of [true, false]) {
        const path = `/public/v1/program/enrollments/${id}`;
        const found = await call(mock.url, session, path, {}, byHeader);
        expect(found.status, `ci-${session}, by header: ${byHeader}`).toBe(200);
        const body = (await found.json()) as { id: string; parameters: unknown };
        expect(body.id).toBe(id);
        expect(JSON.stringify(body.parameters)).toContain(`MPN-${session}`);
      }
    // Still where they were: the restarted replica holds its own sessions, the other gained none.
    expect((await held(PORT + 1 + victim)).sort()).toEqual([...victims].sort());
    expect((await held(survivor)).length).toBe(SESSIONS + 1 - victims.length);
    const openedClock = await fetch(`${mock.url}/__session/ci-opened/__control/clock`);
    expect(((await openedClock.json()) as { now: string }).now).toMatch(/^2026-01-01T/);
    // The default session kept its clock (moved on, never back), and holds none of the writes.
    const clock = (await (await fetch(`${mock.url}/__control/clock`)).json()) as { now: string };
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(Date.parse(defaultNow));
    const notDefault = await fetch(`${mock.url}/public/v1/program/enrollments/${written.get(1)}`, {
      headers: { authorization: 'Bearer client-token' },
    });
    expect(notDefault.status).toBe(404);
  });
});
