import { expect } from 'vitest';
import { writeScenarioLog, type ScenarioResult } from './results.ts';
import type { ScenarioRun } from './scenarios.ts';

/**
 * Records the scenario's row and log, then asserts every invariant held: no accepted order lost or
 * stuck, nothing applied or charged twice, no other violation, and orders did get through.
 */
export const expectKept = async (run: ScenarioRun, results: ScenarioResult[], logsDir: string): Promise<void> => {
  results.push(run.result);
  await writeScenarioLog(logsDir, run.result.scenario, run.verdict, run.logs);
  expect(run.verdict.lost, 'accepted orders never in the read model').toEqual([]);
  expect(run.verdict.stuck, 'accepted orders not final past their deadline').toEqual([]);
  expect(run.verdict.duplicated, 'orders applied or charged twice').toEqual([]);
  expect(run.verdict.violations).toEqual([]);
  expect(run.load.accepted.length).toBeGreaterThan(0);
};

/**
 * The payment step failed for some orders and the saga rejected them for it, without waiting for
 * their deadline. Orders the deadline rejected before their payment was tried are fine: a loaded
 * machine makes some.
 */
export const expectRejectedAtOnce = (run: ScenarioRun): void => {
  expect(run.verdict.outcomes['REJECTED: payment failed'], JSON.stringify(run.verdict.outcomes)).toBeGreaterThan(0);
  expect(run.verdict.failuresOverlooked, 'orders rejected at their deadline after their payment had failed').toEqual([]);
};

/** ISO 4217's code for testing: no real payment is ever made in it. */
export const refusedCurrency = 'XTS';
