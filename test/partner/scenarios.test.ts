/** The Partner Center scenario table through both doors (see test/support/two-doors.ts). */
import { runThroughBothDoors } from '../support/two-doors.js';
import { scenarios } from './scenarios.js';
import { sdkScenarios } from './sdk-scenarios.js';

runThroughBothDoors('Partner Center', [...scenarios, ...sdkScenarios]);
