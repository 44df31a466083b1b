import { counter, gauge, histogram, type MetricsRegistry } from '@tributary/metrics';

/** Millisecond-scale buckets: an idle hop is a few milliseconds, and where they go is the question. */
export const stageBuckets = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The consumer runtime's series; names are listed in the metrics table of docs/operating.md. */
export const consumerMetrics = (registry: MetricsRegistry) => ({
  processed: counter(registry, 'consumer_records_processed_total', 'Records handled (applied, skipped or dead-lettered) and committed', ['group', 'topic', 'partition']),
  batchSize: histogram(registry, 'consumer_batch_size', 'Records per fetched batch', ['group', 'topic'], [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]),
  batchDuration: histogram(registry, 'consumer_batch_duration_seconds', 'Time to handle and commit one batch', ['group', 'topic']),
  stageDuration: histogram(
    registry,
    'consumer_stage_duration_seconds',
    "Time a batch spent in each stage: fetch_wait (its first record's create time to the runner), decode, handle, commit",
    ['group', 'topic', 'stage'],
    stageBuckets,
  ),
  latency: histogram(
    registry,
    'consumer_processing_latency_seconds',
    'Time from a record\'s append to Kafka to its commit by this group',
    ['group', 'topic'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ),
  errors: counter(registry, 'consumer_errors_total', 'Failures while handling records, by error code', ['group', 'topic', 'code']),
  deadLettered: counter(registry, 'consumer_dead_lettered_total', 'Records parked in the dead-letter topic', ['group', 'topic', 'code']),
  skipped: counter(registry, 'consumer_records_skipped_total', 'Records skipped as not applicable to this consumer', ['group', 'topic', 'code']),
  rebalances: counter(registry, 'consumer_rebalances_total', 'Times this member joined its group (each rebalance)', ['group']),
  paused: gauge(registry, 'consumer_paused_partitions', 'Partitions paused while a dependency is unavailable', ['group', 'topic']),
  lag: gauge(registry, 'consumer_lag', 'Records between the committed offset and the end of the partition', ['group', 'topic', 'partition']),
  stalled: gauge(registry, 'consumer_partition_stalled', '1 while a partition has lag but its committed offset has not moved for the stall time', ['group', 'topic', 'partition']),
});

export type ConsumerMetrics = ReturnType<typeof consumerMetrics>;
