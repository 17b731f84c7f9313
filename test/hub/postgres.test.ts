/** The hub suites on PostgreSQL; skipped with a message when it is absent (never under KEYHOLE_REQUIRE_ALL=1). */
import type { TestContext } from 'node:test';
import { needs } from '../support/environment.js';
import { postgresAvailable } from '../storage/support/postgres.js';
import { defineAuthorizationMatrix } from './support/authz-matrix.js';
import { defineBadInput } from './support/bad-input.js';
import { defineConcurrency } from './support/concurrency.js';
import { defineHubSuite } from './support/hub-suite.js';

const gate = async (t: TestContext) => needs(t, await postgresAvailable(), 'PostgreSQL on 127.0.0.1:5432');
defineHubSuite('postgres', postgresAvailable, gate);
defineAuthorizationMatrix('postgres', postgresAvailable, gate);
defineConcurrency('postgres', postgresAvailable, gate);
defineConcurrency('postgres', postgresAvailable, gate, 2);
defineBadInput('postgres', postgresAvailable, gate);
