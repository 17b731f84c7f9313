/** The hub suite on PostgreSQL; skipped with a message when it is absent (never under KEYHOLE_REQUIRE_ALL=1). */
import { needs } from '../support/environment.js';
import { postgresAvailable } from '../storage/support/postgres.js';
import { defineHubSuite } from './support/hub-suite.js';

defineHubSuite('postgres', postgresAvailable, async (t) => needs(t, await postgresAvailable(), 'PostgreSQL on 127.0.0.1:5432'));
