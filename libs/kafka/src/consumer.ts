import { setTimeout as sleep } from 'node:timers/promises';
import type { AvroCodec, DecodedEvent } from '@tributary/avro';
import { classify, toTributaryError, type TributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import type { MetricsRegistry } from '@tributary/metrics';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.ts';
import { consumerMetrics } from './consumer-metrics.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { headerNames, readHeaders } from './envelope.ts';
import { createPauseKeeper } from './pauses.ts';
import { consumerReadiness, type Readiness } from './readiness.ts';
import { parkingTopicOf, recordOrigin } from './retry-topics.ts';
import { detectStalls, partitionKey, type StallState } from './stall.ts';

export interface ConsumedEvent<T = Record<string, unknown>> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
  readonly event: DecodedEvent<T>;
}

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
}

/** A record that did not decode: bad in itself, or (transient) unreadable until the registry answers. */
type Undecoded = { ok: false; transient: boolean; message: KafkaMessage; error: TributaryError };
type Decoded<T> = { ok: true; value: ConsumedEvent<T> } | Undecoded;

/** The outcome of handling some events, after retries: go on, park the records, or stop and wait. */
type Attempt = { kind: 'done' } | { kind: 'deadLetter'; error: TributaryError; attempts: number; firstFailureAt: Date } | { kind: 'pause'; error: TributaryError } | { kind: 'stopping' };

const heartbeatEveryMs = 2_000;

export const createConsumerRunner = <T>(options: ConsumerRunnerOptions<T>): ConsumerRunner => {
  const { kafka, codec, logger, groupId, topics } = options;
  const retry = options.retry ?? defaultBackoff;
  const probeIntervalMs = options.probeIntervalMs ?? 1_000;
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const stallCheckIntervalMs = options.stallCheckIntervalMs ?? 15_000;
  const metrics = options.metrics ? consumerMetrics(options.metrics) : undefined;

  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  let running = false;
  // A resumed partition is fetched only after the fetch in flight returns: a short wait keeps resumption quick.
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
    maxWaitTimeInMs: 1_000,
    // kafkajs restarts a crashed consumer on a timer; once stopped, a restart would rejoin the group
    // with the service's store already closed and hold partitions it can never process.
    retry: { retries: 5, restartOnFailure: () => Promise.resolve(running) },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const admin = kafka.admin();
  let joined = false;
  let assignment: { topic: string; partition: number }[] = [];
  const pauses = createPauseKeeper({
    probeIntervalMs,
    probeTimeoutMs: options.probeTimeoutMs ?? 15_000,
    changed: (topic) => metrics?.paused.set({ group: groupId, topic }, pauses.count(topic)),
    resumed: (topic, partition) => logger.info('resumed partition', { groupId, topic, partition }),
  });
  const timers = new Set<NodeJS.Timeout>();
  let stallState: StallState = { since: new Map() };
  const reportedStalls = new Map<string, { topic: string; partition: number }>();
  let crash: string | undefined;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    crash = undefined;
    assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    pauses.keepOnly(new Set(assignment.map(({ topic, partition }) => partitionKey(topic, partition))));
    metrics?.rebalances.inc({ group: groupId });
    options.onAssignment?.(assignment);
    logger.info('joined consumer group', { groupId, assignment: payload.memberAssignment });
  });
  for (const event of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP]) {
    consumer.on(event, () => {
      joined = false;
      assignment = [];
    });
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    crash = payload.error.message;
    // kafkajs restarts a crashed consumer with a new group member that has nothing paused.
    pauses.keepOnly(new Set());
    logger.error('consumer crashed', { groupId, error: payload.error.message, restart: payload.restart });
  });

  const decode = async (topic: string, partition: number, message: KafkaMessage): Promise<Decoded<T>> => {
    try {
      const event = await codec.decode<T>(message.value);
      const value = { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, timestamp: message.timestamp, headers: readHeaders(message.headers), event };
      return { ok: true, value };
    } catch (error) {
      const failure = toTributaryError(error);
      // An unreachable registry says nothing about the record: it is retried, never parked.
      return { ok: false, transient: classify(failure) === 'retry', message, error: failure };
    }
  };

  /**
   * Decodes a batch, retrying in place while some record cannot be read for a transient reason (a
   * schema id not seen yet while the registry is unreachable), then pausing the partition. Thrown
   * out of eachBatch instead, the failure would crash the consumer, and every crash leaves and
   * rejoins the group: a rebalance for all its members, again and again while the registry is down.
   */
  const decodeBatch = async (payload: EachBatchPayload): Promise<{ kind: 'done'; records: Decoded<T>[] } | { kind: 'pause'; unreadable: Undecoded } | { kind: 'stopping' }> => {
    const { topic, partition, messages } = payload.batch;
    for (let tries = 1; ; tries += 1) {
      const records = await Promise.all(messages.map((message) => decode(topic, partition, message)));
      const unreadable = records.find((record): record is Undecoded => !record.ok && record.transient);
      if (!unreadable) return { kind: 'done', records };
      metrics?.errors.inc({ group: groupId, topic, code: unreadable.error.code });
      if (tries >= retry.attempts) return { kind: 'pause', unreadable };
      const delay = backoffDelay(tries, retry);
      logger.warn('cannot decode records yet, retrying', { groupId, topic, partition, offset: unreadable.message.offset, code: unreadable.error.code, reason: unreadable.error.message, attempt: tries, delayMs: delay });
      await sleep(delay);
      if (!payload.isRunning() || payload.isStale()) return { kind: 'stopping' };
      await payload.heartbeat();
    }
  };

  /** Passes once the record decodes, or fails for a reason of its own (then it is parked on resume). */
  const decodes = (message: KafkaMessage) => (): Promise<boolean> =>
    codec.decode<T>(message.value).then(
      () => true,
      (error: unknown) => classify(toTributaryError(error)) !== 'retry',
    );

  /** Runs the handler with retries in place; heartbeats keep flowing while it waits. */
  const attempt = async (events: readonly ConsumedEvent<T>[], payload: EachBatchPayload): Promise<Attempt> => {
    let firstFailureAt: Date | undefined;
    for (let tries = 1; ; tries += 1) {
      try {
        if (events.length > 0) await options.handleBatch(events);
        return { kind: 'done' };
      } catch (thrown) {
        const error = toTributaryError(thrown);
        firstFailureAt ??= new Date();
        metrics?.errors.inc({ group: groupId, topic: payload.batch.topic, code: error.code });
        const disposition = classify(thrown);
        if (disposition === 'skip') {
          metrics?.skipped.inc({ group: groupId, topic: payload.batch.topic, code: error.code }, events.length);
          return { kind: 'done' };
        }
        if (disposition === 'deadLetter') return { kind: 'deadLetter', error, attempts: tries, firstFailureAt };
        // An open breaker already knows the dependency is down: retrying into it only adds load.
        if (error.code === 'CIRCUIT_OPEN' || tries >= retry.attempts) return { kind: 'pause', error };
        const delay = backoffDelay(tries, retry);
        logger.warn('transient failure, retrying', { groupId, topic: payload.batch.topic, partition: payload.batch.partition, code: error.code, reason: error.message, attempt: tries, delayMs: delay });
        await sleep(delay);
        if (!payload.isRunning() || payload.isStale()) return { kind: 'stopping' };
        await payload.heartbeat();
      }
    }
  };

  const park = async (topic: string, partition: number, message: KafkaMessage, error: TributaryError, attempts: number, firstFailureAt: Date): Promise<void> => {
    const headers = readHeaders(message.headers);
    const origin = recordOrigin(topic, partition, message, groupId);
    await producer.send({
      topic: parkingTopicOf(origin, groupId),
      acks: -1,
      messages: [
        deadLetterMessage(message, {
          ...origin,
          consumerGroup: groupId,
          errorCode: error.code,
          errorMessage: error.message,
          attempts,
          firstFailureAt: firstFailureAt.toISOString(),
          deadLetteredAt: new Date().toISOString(),
        }),
      ],
    });
    metrics?.deadLettered.inc({ group: groupId, topic, code: error.code });
    logger.warn('parked a record in the dead-letter topic', {
      groupId,
      topic,
      partition,
      offset: message.offset,
      code: error.code,
      reason: error.message,
      eventId: headers[headerNames.eventId],
      correlationId: headers[headerNames.correlationId],
      deadLetterTopic: parkingTopicOf(origin, groupId),
    });
  };

  /**
   * Pauses a partition until the probe passes (the service's, unless the failure names its own);
   * its unhandled records are fetched again on resume.
   */
  const pauseUntilHealthy = (topic: string, partition: number, fromOffset: string, error: TributaryError, payload: EachBatchPayload, probe = options.probe): void => {
    const resume = payload.pause();
    consumer.seek({ topic, partition, offset: fromOffset });
    logger.warn('paused partition until its dependency is back', { groupId, topic, partition, fromOffset, code: error.code, reason: error.message });
    if (probe) pauses.hold(topic, partition, resume, probe);
    else pauses.hold(topic, partition, resume, () => Promise.resolve(true), retry.maxDelayMs);
  };

  const schedule = (task: () => Promise<void>, delayMs: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void task();
    }, delayMs);
    timers.add(timer);
  };

  const commit = async (topic: string, partition: number, offset: string, payload: EachBatchPayload): Promise<void> => {
    payload.resolveOffset(offset);
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  };

  const handleBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    // A long batch must not cost the group a rebalance: heartbeat while it runs.
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), heartbeatEveryMs);
    try {
      const decoding = await decodeBatch(payload);
      if (decoding.kind === 'stopping') return;
      if (decoding.kind === 'pause') {
        pauseUntilHealthy(topic, partition, batch.firstOffset() ?? batch.messages[0]?.offset ?? '0', decoding.unreadable.error, payload, decodes(decoding.unreadable.message));
        return;
      }
      const decoded = decoding.records;
      const events = decoded.flatMap((record) => (record.ok ? [record.value] : []));
      const whole = await attempt(events, payload);
      if (whole.kind === 'stopping') return;
      if (whole.kind === 'pause') {
        pauseUntilHealthy(topic, partition, batch.firstOffset() ?? batch.messages[0]?.offset ?? '0', whole.error, payload);
        return;
      }
      if (whole.kind === 'done') {
        for (const record of decoded) if (!record.ok) await park(topic, partition, record.message, record.error, 1, new Date());
      } else {
        // Something in the batch cannot be handled: find it by handling the records one at a time.
        for (const record of decoded) {
          if (!payload.isRunning() || payload.isStale()) return;
          const offset = record.ok ? record.value.offset : record.message.offset;
          if (!record.ok) {
            await park(topic, partition, record.message, record.error, 1, new Date());
          } else {
            const single = await attempt([record.value], payload);
            if (single.kind === 'stopping') return;
            if (single.kind === 'pause') {
              pauseUntilHealthy(topic, partition, offset, single.error, payload);
              return;
            }
            if (single.kind === 'deadLetter') {
              const original = batch.messages.find((m) => m.offset === offset);
              if (original) await park(topic, partition, original, single.error, single.attempts, single.firstFailureAt);
              if (options.onDeadLetter) {
                const stated = await options.onDeadLetter(record.value, single.error).then(
                  () => undefined,
                  (error: unknown) => toTributaryError(error),
                );
                if (stated) {
                  pauseUntilHealthy(topic, partition, offset, stated, payload);
                  return;
                }
              }
            }
          }
          await commit(topic, partition, offset, payload);
          await payload.heartbeat();
        }
      }
      const last = batch.messages[batch.messages.length - 1];
      if (!last) return;
      // The batch can end in a transaction's commit marker (or aborted records) that no handler sees;
      // committing only up to the last record would leave the group one offset behind every
      // transaction, its lag and stall reports never back to zero.
      await commit(topic, partition, batch.lastOffset(), payload);
      const labels = { group: groupId, topic };
      metrics?.processed.inc({ ...labels, partition: String(partition) }, batch.messages.length);
      metrics?.batchSize.observe(labels, batch.messages.length);
      metrics?.batchDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      metrics?.latency.observe(labels, Math.max(0, Date.now() - Number(last.timestamp)) / 1000);
      const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
      metrics?.lag.set({ ...labels, partition: String(partition) }, Number(lag > 0n ? lag : 0n));
    } finally {
      clearInterval(heartbeat);
    }
  };

  const checkStalls = async (): Promise<void> => {
    if (!running) return;
    try {
      const mine = assignment;
      const byTopic = [...new Set(mine.map((a) => a.topic))];
      const observations = [];
      for (const topic of byTopic) {
        const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
        for (const { partition } of mine.filter((a) => a.topic === topic)) {
          const end = BigInt(ends.find((e) => e.partition === partition)?.high ?? '0');
          const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
          // No commit yet: the group starts from the beginning of what is retained.
          const start = BigInt(ends.find((e) => e.partition === partition)?.low ?? '0');
          observations.push({ topic, partition, committed: offset === '-1' ? start : BigInt(offset), end });
        }
      }
      const report = detectStalls(stallState, observations, Date.now(), stallAfterMs);
      stallState = report.state;
      for (const { topic, partition, lag } of report.lag) metrics?.lag.set({ group: groupId, topic, partition: String(partition) }, Number(lag));
      const stalledNow = new Set(report.stalled.filter((s) => !pauses.paused.has(partitionKey(s.topic, s.partition))).map((s) => partitionKey(s.topic, s.partition)));
      for (const stall of report.stalled) {
        const key = partitionKey(stall.topic, stall.partition);
        if (!stalledNow.has(key)) continue;
        metrics?.stalled.set({ group: groupId, topic: stall.topic, partition: String(stall.partition) }, 1);
        if (!reportedStalls.has(key)) {
          reportedStalls.set(key, { topic: stall.topic, partition: stall.partition });
          logger.warn('partition stalled: lag above zero and no progress', { groupId, topic: stall.topic, partition: stall.partition, lag: stall.lag.toString(), forMs: stall.forMs });
        }
      }
      for (const [key, { topic, partition }] of [...reportedStalls]) {
        if (stalledNow.has(key)) continue;
        reportedStalls.delete(key);
        metrics?.stalled.set({ group: groupId, topic, partition: String(partition) }, 0);
        logger.info('partition moving again', { groupId, topic, partition });
      }
    } catch (error) {
      logger.debug('lag check failed', { groupId, reason: (error as Error).message });
    } finally {
      if (running && stallCheckIntervalMs > 0) schedule(checkStalls, stallCheckIntervalMs);
    }
  };

  return {
    get joined() {
      return joined;
    },
    assignment: () => (joined ? assignment : []),
    readiness: () => consumerReadiness({ running, joined, crash, stalled: [...reportedStalls.values()] }),
    async start() {
      running = true;
      await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
      await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: handleBatch,
      });
      if (stallCheckIntervalMs > 0) schedule(checkStalls, stallCheckIntervalMs);
    },
    async stop() {
      running = false;
      pauses.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      try {
        // kafkajs waits here for the batches in hand; each commits before it returns.
        await consumer.stop();
      } finally {
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
      }
    },
  };
};
