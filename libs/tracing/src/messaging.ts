import { SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';

/**
 * Attribute names of OpenTelemetry's messaging semantic conventions, kept here rather than read
 * from the package's incubating entry point, whose names may still change between releases.
 */
export const messagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  group: 'messaging.consumer.group.name',
  key: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  messageId: 'messaging.message.id',
} as const;

export interface PublishTarget {
  topic: string;
  key: string;
  eventType: string;
}

/** A span for one event on its way to a topic: `publish <topic>`, a child of what caused it. */
export const startPublishSpan = (tracer: Tracer, { topic, key, eventType }: PublishTarget, parent: Context): Span =>
  tracer.startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [messagingAttributes.system]: 'kafka',
        [messagingAttributes.destination]: topic,
        [messagingAttributes.operationName]: 'publish',
        [messagingAttributes.operationType]: 'send',
        [messagingAttributes.key]: key,
        'tributary.event_type': eventType,
      },
    },
    parent,
  );

export interface ProcessedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  group: string;
  eventType?: string | undefined;
}

/** A span for one consumed record: `process <topic>`, a child of the span that published it. */
export const startProcessSpan = (tracer: Tracer, record: ProcessedRecord, parent: Context): Span =>
  tracer.startSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [messagingAttributes.system]: 'kafka',
        [messagingAttributes.destination]: record.topic,
        [messagingAttributes.partition]: String(record.partition),
        [messagingAttributes.offset]: Number(record.offset),
        [messagingAttributes.operationName]: 'process',
        [messagingAttributes.operationType]: 'process',
        [messagingAttributes.group]: record.group,
        ...(record.key === null ? {} : { [messagingAttributes.key]: record.key }),
        ...(record.eventType ? { 'tributary.event_type': record.eventType } : {}),
      },
    },
    parent,
  );

/** Ends a span, marked failed with the error's message when there is one. */
export const endSpan = (span: Span, error?: unknown): void => {
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    span.recordException(error instanceof Error ? error : message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
};
