/**
 * `npm start`: the stateful mock of both APIs on one port, seeded with the default data.
 *   PORT=4010 HOST=127.0.0.1 npm start
 */
import type { AddressInfo } from 'node:net';
import { createKit } from '../../src/kit.js';
import { partnerTokens } from '../../src/core/partner/seed.js';
import { seedTokens } from '../../src/core/program/seed.js';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';

const kit = createKit({ ticking: true });
const server = createApp(kit).listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  const base = `http://${host}:${actual}`;
  console.log(`Eligibility mock kit listening on ${base}`);
  console.log(
    `  Program API     ${base}/public/v1/program/certificates   (real: https://api.platform.softwareone.com/public)`,
  );
  console.log(
    `  Partner Center  ${base}/v1/customers                     (real: https://api.partnercenter.microsoft.com)`,
  );
  console.log(`  Control API     ${base}/__control/clock | /reset | /journal | /seed`);
  console.log('Seed tokens (Authorization: Bearer <token>):');
  console.log(`  ${seedTokens.operations}   operations`);
  console.log(`  ${seedTokens.vendor}  vendor (Microsoft, ACC-1086-6867)`);
  console.log(`  ${seedTokens.client}  client (Oscorp Industries, ACC-4812-0447)`);
  console.log(
    `  ${partnerTokens.partner}  Partner Center partner (reads and requests qualifications)`,
  );
  console.log(`  ${partnerTokens.reader}   Partner Center reader (read only)`);
  console.log(`Virtual clock: ${kit.world.clock.now().toISOString()}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
