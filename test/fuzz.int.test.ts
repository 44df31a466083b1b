import { fuzzEveryApi } from './fuzz/suite.ts';

// A bounded run in npm test: 25 examples per operation (FUZZ_MAX_EXAMPLES). `npm run test:faults`
// runs 200, and `npm run fuzz` 100 against a running `npm start`.
fuzzEveryApi(Number(process.env['FUZZ_MAX_EXAMPLES'] ?? 25), 'fuzz-test');
