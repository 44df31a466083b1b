import { cpus } from 'node:os';

/**
 * Who used the machine during a measurement: this process (the load generator, or the subject
 * itself for in-process benchmarks) and how much of all cores sat idle. A generator above a
 * quarter of the machine, or a machine under 15% idle, means the figures measure contention, not
 * the subject: the run says so instead of quoting them as valid.
 */
export interface CpuShare {
  /** This process's CPU time over the wall time of all cores, 0..1. */
  process: number;
  /** Idle time of all cores over their total time, 0..1. */
  idle: number;
}

export const maxGeneratorShare = 0.25;
export const minIdleShare = 0.15;

const machineTimes = () => cpus().reduce((sum, { times }) => ({ idle: sum.idle + times.idle, total: sum.total + times.user + times.nice + times.sys + times.idle + times.irq }), { idle: 0, total: 0 });

export const measureCpu = async <T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuShare }> => {
  const machineBefore = machineTimes();
  const processBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await work();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(processBefore);
  const machineAfter = machineTimes();
  const total = machineAfter.total - machineBefore.total;
  return {
    result,
    cpu: {
      process: (used.user + used.system) / 1000 / (wallMs * cpus().length),
      idle: total > 0 ? (machineAfter.idle - machineBefore.idle) / total : 0,
    },
  };
};

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** Why a run is not valid (none when it is): only a load generator is held to the quarter-of-the-machine limit. */
export const cpuProblems = (cpu: CpuShare, role: 'load generator' | 'subject (in-process)'): string[] =>
  [
    role === 'load generator' && cpu.process > maxGeneratorShare ? `the load generator used ${percent(cpu.process)} of the machine (limit ${percent(maxGeneratorShare)})` : '',
    // One decimal, so a share just under the limit does not read as the limit itself.
    cpu.idle < minIdleShare ? `the machine was ${(Math.floor(cpu.idle * 1000) / 10).toFixed(1)}% idle (minimum ${percent(minIdleShare)})` : '',
  ].filter(Boolean);

/**
 * One line on the run's CPU: `role` says what this process was. Only a load generator is held to
 * the quarter-of-the-machine limit; a benchmark that runs its subject in-process is held to idle.
 */
export const formatCpuShare = (cpu: CpuShare, role: 'load generator' | 'subject (in-process)'): string => {
  const problems = cpuProblems(cpu, role);
  const head = `cpu: ${role} ${percent(cpu.process)} of the machine (${cpus().length} cores), machine idle ${percent(cpu.idle)}`;
  return problems.length > 0 ? `${head} -- RESULT NOT VALID: ${problems.join('; ')}` : `${head} -- valid`;
};
