/** The Program API scenario table through both doors (see test/support/two-doors.ts). */
import { runThroughBothDoors } from '../support/two-doors.js';
import { scenarios } from './scenarios.js';

runThroughBothDoors('Program API', scenarios);
