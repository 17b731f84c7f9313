/** The hub suites on SQLite, the embedded default. */
import { defineAuthorizationMatrix } from './support/authz-matrix.js';
import { defineBadInput } from './support/bad-input.js';
import { defineConcurrency } from './support/concurrency.js';
import { defineHubSuite } from './support/hub-suite.js';

const always = async () => true;
defineHubSuite('sqlite', always, always);
defineAuthorizationMatrix('sqlite', always, always);
defineConcurrency('sqlite', always, always);
defineBadInput('sqlite', always, always);
