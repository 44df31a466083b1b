export { noTracing, samplerOf, startTracing, type Tracing, type TracingSettings } from './provider.ts';
export { contextFromTraceparent, traceparentOf, withSpan, withTraceparent } from './propagation.ts';
export { endSpan, messagingAttributes, startProcessSpan, startPublishSpan, type ProcessedRecord, type PublishTarget } from './messaging.ts';
export { httpServerSpans, traceHeaders, withClientSpan } from './http.ts';
export { recordSpans } from './records.ts';
export { recordingTracing } from './recording.ts';
