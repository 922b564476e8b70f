/**
 * The baseline: bare express routes, one per benchmarked request, each answering the kit's own
 * bytes (captured before the run) with `res.send`. No middleware.
 *   BENCH_BARE_BODIES=/tmp/bodies.json PORT=4011 node --import tsx bench/bare.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';

/** What the kit answered, by `METHOD path`: the file maps each to `{ status, body }` (text). */
export function bareAnswers(): Map<string, { status: number; bytes: Buffer }> {
  const file = process.env.BENCH_BARE_BODIES;
  if (!file)
    throw new Error('BENCH_BARE_BODIES must name a JSON file of { "METHOD path": answer }');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { status: number; body: string }
  >;
  return new Map(
    Object.entries(raw).map(([key, { status, body }]) => [
      key,
      { status, bytes: Buffer.from(body) },
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const answers = bareAnswers();
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  for (const [key, answer] of answers) {
    const [method, path] = key.split(' ') as [string, string];
    const route = method === 'POST' ? app.post.bind(app) : app.get.bind(app);
    // express reads a JSON body only with a parser; a bare route reads none (as res.json would).
    route(path, (_req, res) => {
      res.status(answer.status).type('application/json').send(answer.bytes);
    });
  }
  const server = app.listen(port, host, () => {
    console.log(`bare express on http://${host}:${port} (${answers.size} routes)`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
