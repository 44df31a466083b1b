export { customerOf, factOf, isSagaEventType, sagaEventTypes, type SagaEvent, type SagaEventType, type SagaFacts, type StepFailure } from './facts.ts';
export { decide, type SagaDecision } from './decide.ts';
export { openSagaStore, sagaCollections, type ClaimResult, type SagaOutcome, type SagaStore } from './saga-store.ts';
export { deadlinesCollection, deadlinesToAnnounce, openDeadlineStore, openOrderStats, type DeadlineStore, type OrderDeadline } from './deadlines.ts';
export { stepFailedEvent, stepFailurePublisher, type StepFailedEventType, type StepFailurePublisherOptions } from './step-failure.ts';
