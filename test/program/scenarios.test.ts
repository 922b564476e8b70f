/** The Program API scenario tables through both doors (see test/support/two-doors.ts). */
import { runThroughBothDoors } from '../support/two-doors.js';
import { contentFlows } from './content-flows.js';
import { scenarios } from './scenarios.js';
import { vendorFlows } from './vendor-flows.js';

runThroughBothDoors('Program API', [...scenarios, ...vendorFlows, ...contentFlows]);
