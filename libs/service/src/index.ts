export { runService, stopInOrder, type RunningService, type RunServiceOptions } from './lifecycle.ts';
export { runMain } from './main.ts';
