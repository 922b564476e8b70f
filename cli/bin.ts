#!/usr/bin/env node
import { main } from './main.js';
import { run } from './run.js';

run('eligibility-mock', () => main(process.argv.slice(2)));
