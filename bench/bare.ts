/**
 * The baseline: bare express routes, one per benchmarked request, each answering a fixed JSON
 * body (the kit's own answer, captured before the run) with `res.json`. No middleware.
 *   BENCH_BARE_BODIES=/tmp/bodies.json PORT=4011 node --import tsx bench/bare.ts
 */
import { readFileSync } from 'node:fs';
import express from 'express';

const file = process.env.BENCH_BARE_BODIES;
if (!file) throw new Error('BENCH_BARE_BODIES must name a JSON file of { path: body }');
const bodies = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const app = express();
app.disable('x-powered-by');
app.disable('etag');
for (const [path, body] of Object.entries(bodies)) app.get(path, (_req, res) => res.json(body));

const server = app.listen(port, host, () => {
  console.log(`bare express on http://${host}:${port} (${Object.keys(bodies).length} routes)`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
