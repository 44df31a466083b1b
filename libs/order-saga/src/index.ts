export { customerOf, factOf, isSagaEventType, sagaEventTypes, type SagaEvent, type SagaEventType, type SagaFacts } from './facts.ts';
export { decide, type SagaDecision } from './decide.ts';
export { openSagaStore, sagaCollections, type ClaimResult, type SagaOutcome, type SagaStore } from './saga-store.ts';
