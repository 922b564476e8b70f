/** Partner Center on the shared pipeline (filled in by the Partner Center issue). */
import type { ApiModule } from '../../http/pipeline.js';
import { json } from '../../http/types.js';
import type { World } from '../world.js';
import type { PartnerActor } from './state.js';

export const partnerCenterApi: ApiModule<PartnerActor, World> = {
  api: 'partner-center',
  authenticate: () => ({ role: 'partner', name: 'partner' }),
  roleOf: (actor) => actor.role,
  handlers: {},
  refusalResponse: (_world, refusal) =>
    json(501, { code: 0, description: refusal.detail, data: [], source: 'kit' }),
};
