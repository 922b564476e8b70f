import { createKit } from './src/kit.js';
const kit = createKit({ now: '2026-11-21T09:00:00.000Z' });
const s = kit.control.state() as any;
for (const sec of ['program','partnerCenter']) for (const [k,v] of Object.entries(s[sec])) console.log(sec,k, Array.isArray(v)? v.length : v);
console.log(JSON.stringify(s.program.certificates[0]).slice(0,3000));
console.log(JSON.stringify(s.program.accounts));
console.log(JSON.stringify(s.program.tokens));
console.log(JSON.stringify(s.partnerCenter.customers[0]).slice(0,1500));
console.log(JSON.stringify(s.partnerCenter.tokens), JSON.stringify(s.partnerCenter.validationCodes).slice(0,400));
