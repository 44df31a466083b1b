import { fuzzEveryApi } from '../fuzz/suite.ts';

// The long run of the fuzzing in npm test: 200 examples per operation (FUZZ_LONG_MAX_EXAMPLES).
fuzzEveryApi(Number(process.env['FUZZ_LONG_MAX_EXAMPLES'] ?? 200), 'fuzz-faults');
