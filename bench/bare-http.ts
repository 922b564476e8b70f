/**
 * The floor: a bare `node:http` server answering each benchmarked request with the kit's own
 * bytes (captured before the run), nothing else.
 *   BENCH_BARE_BODIES=/tmp/bodies.json PORT=4012 node --import tsx bench/bare-http.ts
 */
import { createServer } from 'node:http';
import { bareAnswers } from './bare.js';

const answers = bareAnswers();
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  const answer = answers.get(`${req.method} ${question === -1 ? url : url.slice(0, question)}`);
  // The request body (a write's) is read to its end, as any server must.
  req.resume();
  req.on('end', () => {
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': answer.bytes.length,
    });
    res.end(answer.bytes);
  });
});
server.listen(port, host, () => console.log(`bare node:http on http://${host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
