import type { Logger } from '@tributary/logger';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { kafkaSecurity, type KafkaSecuritySettings } from './security.ts';

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** TLS and SASL, from the KAFKA_TLS* and KAFKA_SASL_* settings; plain text when absent. */
  security?: KafkaSecuritySettings;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Responses kafkajs retries by itself, which are normal while a broker or a topic is new: the
 * coordinators are unavailable, loading or elsewhere while a fresh broker creates
 * __consumer_offsets and __transaction_state, a topic just created is not on every broker's
 * metadata yet and its partitions have no leader for a moment, and a transactional producer that
 * fences an earlier one waits while its open transaction aborts. Services starting together create
 * the topics they share at once, and all but one hear that a topic exists already, which kafkajs
 * takes as done. A member's heartbeat is answered "rebalancing" whenever another member joins or
 * leaves its group (a second instance starting, one stopping), and kafkajs then rejoins. They are
 * logged at debug: when the condition lasts or is another error, the operation fails, and its own
 * error says so.
 */
const retriedByKafkajs = [
  'group coordinator is not available',
  'not the correct coordinator',
  'the coordinator is loading',
  'does not host this topic-partition',
  'there is no leader for this topic-partition',
  'not the leader for that topic-partition',
  'another concurrent operation on the same transaction',
  'topic creation errors',
  'the group is rebalancing, so a rejoin is needed',
];

/** Whether an error's text is one of the conditions kafkajs retries by itself (above). */
export const isRetriedByKafkajs = (text: string): boolean => {
  const said = text.toLowerCase();
  return retriedByKafkajs.some((condition) => said.includes(condition));
};

/**
 * kafkajs logs its restart of a crashed consumer at error level; the crash itself is logged by the
 * consumer runner, at the level its reason deserves, so the restart is only a warning.
 */
const levelOf = (level: number, message: string, error: unknown): 'error' | 'warn' | 'info' | 'debug' => {
  if (isRetriedByKafkajs(`${message} ${typeof error === 'string' ? error : ''}`)) return 'debug';
  if (message.startsWith('Restarting the consumer in')) return 'warn';
  return levels[level] ?? 'info';
};

/** kafkajs with its log lines routed through the service's JSON logger. */
export const createKafkaClient = ({ brokers, clientId, logger, security }: KafkaClientOptions): Kafka =>
  new Kafka({
    clientId,
    brokers: [...brokers],
    ...(security ? kafkaSecurity(security) : {}),
    connectionTimeout: 3_000,
    // A broker that froze (a long GC pause, a stopped VM) holds every request sent to it; the
    // default 30 s would outlast the new leader elected once it is fenced (9 s), and every caller's
    // patience. Retries are safe: producers are idempotent.
    requestTimeout: 10_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
        logger.log(levelOf(level, message, rest['error']), message, { component: `kafkajs.${namespace}`, ...rest });
      },
  });
