import { generatedSuite } from './support/generatedSuite.ts';

// The embedded database `npm start` uses by default, tested the same way.
generatedSuite('pglite', 120, 11);
