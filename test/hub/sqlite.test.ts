/** The hub suite on SQLite, the embedded default. */
import { defineHubSuite } from './support/hub-suite.js';

defineHubSuite('sqlite', async () => true, async () => true);
