import type { Logger } from '@tributary/logger';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs with its log lines routed through the service's JSON logger. */
export const createKafkaClient = ({ brokers, clientId, logger }: KafkaClientOptions): Kafka =>
  new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
        // The coordinator is briefly unavailable while a fresh broker creates __consumer_offsets;
        // kafkajs retries that by itself, so it is not worth an error line.
        const quiet = typeof rest['error'] === 'string' && rest['error'].includes('group coordinator is not available');
        logger.log(quiet ? 'debug' : (levels[level] ?? 'info'), message, { component: `kafkajs.${namespace}`, ...rest });
      },
  });
