import { stopInOrder } from './lifecycle.ts';

/**
 * What a service has opened so far, closed in reverse. The same list serves a start that fails
 * half-way and the stop of a running service, so both close exactly what was opened.
 */
export const createTeardown = () => {
  const steps: (() => unknown)[] = [];
  let done: Promise<void> | undefined;
  return {
    add(step: () => unknown): void {
      steps.push(step);
    },
    /** Runs once; a second call waits for the first. */
    run(): Promise<void> {
      done ??= stopInOrder(steps.toReversed().map((step) => () => Promise.resolve().then(step)));
      return done;
    },
  };
};
