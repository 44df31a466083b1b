export { noTracing, samplerOf, startTracing, type Tracing, type TracingOptions, type TracingSettings } from './provider.ts';
export { contextFromTraceparent, traceparentOf, withSpan, withTraceparent } from './propagation.ts';
export { endSpan, messagingAttributes, startProcessSpan, startPublishSpan, type ProcessedRecord, type PublishTarget } from './messaging.ts';
export { httpServerSpans, requestSpan, traceHeaders, withClientSpan } from './http.ts';
export { recordSpans } from './records.ts';
export { recordingTracing } from './recording.ts';
