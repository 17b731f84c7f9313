/** Suspension ends open leases (issue 14 finding 5), on SQLite and, when it answers, PostgreSQL. */
import type { TestContext } from 'node:test';
import { needs } from '../support/environment.js';
import { postgresAvailable } from '../storage/support/postgres.js';
import { defineSuspension } from './support/suspension.js';

const always = async () => true;
defineSuspension('sqlite', always, always);
defineSuspension('postgres', postgresAvailable, async (t: TestContext) => needs(t, await postgresAvailable(), 'PostgreSQL on 127.0.0.1:5432'));
