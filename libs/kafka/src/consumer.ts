import type { Tracer } from '@opentelemetry/api';
import type { AvroCodec } from '@tributary/avro';
import { noTracing } from '@tributary/tracing';
import type { TributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import type { MetricsRegistry } from '@tributary/metrics';
import type { Kafka } from 'kafkajs';
import { defaultBackoff, type BackoffPolicy } from './backoff.ts';
import { consumerMetrics } from './consumer-metrics.ts';
import { createPauseKeeper } from './pauses.ts';
import { consumerReadiness, type Readiness } from './readiness.ts';
import { createBatchHandler } from './runner/batch-handler.ts';
import { createCommitter } from './runner/commit-stage.ts';
import { trackMembership } from './runner/membership.ts';
import { createParker } from './runner/park-stage.ts';
import { createPauser } from './runner/pause-stage.ts';
import { restartAfterFatalCrashes } from './runner/restart.ts';
import { subscribeWhenKnown } from './subscribe.ts';
import type { ConsumedEvent, StageContext } from './runner/stage.ts';
import { createStallWatch, every } from './runner/stall-watch.ts';
import { keyPartitioner } from './partitioner.ts';

export type { ConsumedEvent } from './runner/stage.ts';

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  codec: AvroCodec;
  logger: Logger;
  groupId: string;
  topics: readonly string[];
  fromBeginning?: boolean;
  /**
   * Applies one partition's decoded events, in order. Offsets are committed only after it
   * resolves; a thrown error is classified (retry, dead-letter, skip) by @tributary/errors.
   */
  handleBatch(events: readonly ConsumedEvent<T>[]): Promise<void>;
  metrics?: MetricsRegistry;
  /** Time without heartbeats before the group hands this member's partitions to others. */
  sessionTimeoutMs?: number;
  /** Partitions handled at once; records of one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
  /** Retries in place for transient failures before the partition is paused. */
  retry?: BackoffPolicy;
  /** Says when a paused partition may resume (for example: the store answers a ping). */
  probe?: () => Promise<boolean>;
  /** How often a paused partition asks the probe. */
  probeIntervalMs?: number;
  /** A probe unanswered this long counts as failed. */
  probeTimeoutMs?: number;
  /** A partition with lag whose commits have not moved for this long is reported as stalled. */
  stallAfterMs?: number;
  /** How often lag and stalls are checked (0 turns the check off). */
  stallCheckIntervalMs?: number;
  /**
   * Called after a decoded record was parked because its handler's error was classified
   * dead-letter, before the runner commits past it: a saga step publishes its negative outcome
   * here. A failure pauses the partition at that record, which is then handled again.
   */
  onDeadLetter?: (event: ConsumedEvent<T>, error: TributaryError) => Promise<void>;
  /** Makes a process span per consumed record; none by default. */
  tracer?: Tracer;
  /** Called with the partitions this member owns each time it joins its group. */
  onAssignment?: (assignment: readonly { topic: string; partition: number }[]) => void;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Stops fetching, lets the batches in hand finish and commit, then leaves the group. */
  stop(): Promise<void>;
  /** True while the consumer is a member of its group with partitions assigned. */
  readonly joined: boolean;
  /** The partitions this member owns now; none while it is out of its group. */
  assignment(): readonly { topic: string; partition: number }[];
  /** For /readyz: not ready while stopped, crashed, out of its group, or with a stalled partition. */
  readiness(): Readiness;
  /** Takes new retry settings (reloaded at run time): the next failure is retried by them. */
  reconfigure(options: { retry: BackoffPolicy }): void;
}

/**
 * One consumer group member: the kafkajs consumer, and the stages each batch goes through (decode,
 * handle with retry, park, pause on the probe, commit; see runner/), with a stall watch beside them.
 */
export const createConsumerRunner = <T>(options: ConsumerRunnerOptions<T>): ConsumerRunner => {
  const { kafka, codec, logger, groupId, topics } = options;
  const metrics = options.metrics ? consumerMetrics(options.metrics) : undefined;
  const stage: StageContext = { groupId, logger, metrics, retry: options.retry ?? defaultBackoff };
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  let running = false;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
    // A resumed partition is fetched only after the fetch in flight returns: a short wait keeps resumption quick.
    maxWaitTimeInMs: 1_000,
    // kafkajs restarts a crashed consumer on a timer; once stopped, a restart would rejoin the group
    // with the service's store already closed and hold partitions it can never process.
    retry: { retries: 5, restartOnFailure: () => Promise.resolve(running) },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: keyPartitioner });
  const admin = kafka.admin();
  const pauses = createPauseKeeper({
    probeIntervalMs: options.probeIntervalMs ?? 1_000,
    probeTimeoutMs: options.probeTimeoutMs ?? 15_000,
    changed: (topic) => metrics?.paused.set({ group: groupId, topic }, pauses.count(topic)),
    resumed: (topic, partition) => logger.info('resumed partition', { groupId, topic, partition }),
  });
  const membership = trackMembership(consumer, { groupId, logger, metrics, pauses, onAssignment: options.onAssignment });
  const stalls = createStallWatch(stage, { admin, assignment: () => membership.assignment, isPaused: (key) => pauses.paused.has(key), stallAfterMs: options.stallAfterMs ?? 60_000 });
  const stallChecks = every(options.stallCheckIntervalMs ?? 15_000, () =>
    stalls.check().catch((error: unknown) => {
      logger.debug('lag check failed', { groupId, reason: (error as Error).message });
    }),
  );
  const eachBatch = createBatchHandler<T>({
    stage,
    codec,
    handler: (events) => options.handleBatch(events),
    park: createParker(stage, producer),
    pause: createPauser(stage, consumer, pauses, options.probe),
    commit: createCommitter(consumer),
    tracer: options.tracer ?? noTracing.tracer,
    onDeadLetter: options.onDeadLetter,
  });

  const run = () => consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3, eachBatch });
  restartAfterFatalCrashes(stage, consumer, run, () => running);

  return {
    get joined() {
      return membership.joined;
    },
    assignment: () => (membership.joined ? membership.assignment : []),
    readiness: () => consumerReadiness({ running, joined: membership.joined, crash: membership.crash, stalled: stalls.stalled() }),
    reconfigure({ retry }) {
      stage.retry = { ...retry };
    },
    async start() {
      running = true;
      await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
      await subscribeWhenKnown(consumer, { topics, fromBeginning: options.fromBeginning ?? true });
      await run();
      stallChecks.start();
    },
    async stop() {
      running = false;
      pauses.stop();
      stallChecks.stop();
      try {
        // kafkajs waits here for the batches in hand; each commits before it returns.
        await consumer.stop();
      } finally {
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
      }
    },
  };
};
