import { startService, session, ports } from './test/keep-true/support.js';
import { startRecorder } from './mocks/record/proxy.js';
const s = await startService(ports.seed);
const r = await startRecorder({ target: s.url, out: '/tmp/d0.har', port: ports.seed + 1 });
await session(r.url);
await r.close(); await s.close();
