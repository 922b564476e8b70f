/**
 * Serves Prism mocks of both documents behind one port: `/public/...` goes to the Program API
 * mock, everything else to the Partner Center mock. Stateless (answers from the spec's
 * examples); used as a contract-suite target and to compare with the stateful mock.
 *   PORT=4010 npm run mock:prism
 */
import { createServer, request } from 'node:http';
import { specPath } from './generate.js';
import { startPrism } from './prism.js';

const port = Number(process.env.PORT ?? 4010);
const [program, partner] = await Promise.all([
  startPrism({ spec: specPath('program-api'), quiet: true }),
  startPrism({ spec: specPath('partner-center'), quiet: true }),
]);

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const toProgram = url.startsWith('/public/');
  const forward = request(
    {
      host: '127.0.0.1',
      port: toProgram ? program.port : partner.port,
      method: req.method,
      path: toProgram ? url.slice('/public'.length) : url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => {
    res
      .writeHead(502, { 'content-type': 'text/plain' })
      .end(`Prism did not answer: ${error.message}\n`);
  });
  req.pipe(forward);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Prism mocks of both documents (stateless) on http://127.0.0.1:${port}`);
  console.log(`  Program API:    http://127.0.0.1:${port}/public/v1/program/certificates`);
  console.log(`  Partner Center: http://127.0.0.1:${port}/v1/customers`);
  console.log('  Any bearer token is accepted.');
});

const stop = async () => {
  server.close();
  await Promise.all([program.stop(), partner.stop()]);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
