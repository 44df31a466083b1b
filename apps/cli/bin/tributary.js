#!/usr/bin/env node
// The CLI is TypeScript run in place; tsx compiles it on the fly so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
