export { runService, stopInOrder, type RunningService, type RunServiceOptions } from './lifecycle.ts';
export { runMain } from './main.ts';
export { defineService } from './define-service.ts';
export { transformPerKey, type TransformOptions } from './transform.ts';
export { liveBackbone, type Backbone } from './backbone.ts';
export type {
  BackgroundTask,
  ConsumerHandling,
  ConsumingService,
  ConsumingSettings,
  HttpServiceSettings,
  KafkaSettings,
  ServiceContext,
  ServiceDefinition,
  ServiceDomain,
  SettingsFor,
  Started,
  StartFunction,
  StartedService,
  StoreSettings,
  TaskContext,
  TransactionalSettings,
  Uses,
} from './definition.ts';
