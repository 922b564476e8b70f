/**
 * The kit's express mock for the scaling bench: `createApp(createKit(...))` as in `npm start`,
 * seeded with the default seed grown to `BENCH_CERTIFICATES` certificates (`BENCH_FIXTURE`: how
 * the clones are made, `json` or `objects`, see fixture.ts).
 *   BENCH_CERTIFICATES=100000 PORT=4010 node --import tsx bench/server.ts
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../mocks/server/app.js';
import { createKit } from '../src/kit.js';
import { fixtureModes, scaledSeed, type FixtureMode } from './fixture.js';

const count = Number(process.env.BENCH_CERTIFICATES ?? 0);
const mode = (process.env.BENCH_FIXTURE ?? 'objects') as FixtureMode;
if (!fixtureModes.includes(mode))
  throw new Error(`BENCH_FIXTURE must be one of ${fixtureModes.join(', ')}`);
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const kit = createKit({
  ticking: true,
  ...(count > 0 ? { seed: (now) => scaledSeed(count, now, mode) } : {}),
});
const server = createApp(kit).listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(
    `bench kit with ${kit.world.program.certificates.size} certificates (${mode}) on http://${host}:${actual}`,
  );
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
