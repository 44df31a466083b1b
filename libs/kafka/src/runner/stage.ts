import type { DecodedEvent } from '@tributary/avro';
import type { Logger } from '@tributary/logger';
import type { EachBatchPayload } from 'kafkajs';
import type { BackoffPolicy } from '../backoff.ts';
import type { ConsumerMetrics } from '../consumer-metrics.ts';

export interface ConsumedEvent<T = Record<string, unknown>> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
  readonly event: DecodedEvent<T>;
}

/** What every stage of one group's runner shares: who it is, where it reports, how it retries. */
export interface StageContext {
  groupId: string;
  logger: Logger;
  metrics?: ConsumerMetrics;
  retry: BackoffPolicy;
}

/** The part of a kafkajs batch a stage that waits needs: whether to go on, and a heartbeat while it waits. */
export type BatchLiveness = Pick<EachBatchPayload, 'isRunning' | 'isStale' | 'heartbeat'>;

/** False once the runner stops or a rebalance took the partition: the batch's work is then abandoned, uncommitted. */
export const stillOurs = (payload: BatchLiveness): boolean => payload.isRunning() && !payload.isStale();
