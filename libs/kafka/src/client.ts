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
 * Responses kafkajs retries by itself, so they are not worth an error line: coordinators are briefly
 * unavailable or elsewhere while a fresh broker creates __consumer_offsets and __transaction_state,
 * and a transactional producer that fences an earlier one waits while its open transaction aborts.
 */
const retriedByKafkajs = ['group coordinator is not available', 'not the correct coordinator', 'another concurrent operation on the same transaction'];

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
        const said = `${message} ${typeof rest['error'] === 'string' ? rest['error'] : ''}`;
        const quiet = retriedByKafkajs.some((text) => said.includes(text));
        logger.log(quiet ? 'debug' : (levels[level] ?? 'info'), message, { component: `kafkajs.${namespace}`, ...rest });
      },
  });
