export { stackUp, stackDown, completeOptions, componentsOf, existingStackOptions, type StackCallOptions, type StackDownOptions } from './stack.ts';
export { stackStatus, type StackStatus } from './status.ts';
export { kafkaNodes, nodePorts, type KafkaNode } from './components/kafka-nodes.ts';
export { activeController } from './components/kafka-quorum.ts';
export { resolveStackOptions, defaultPorts, portVariables, parseBrokers, brokersVariable, brokerCounts, type KafkaRoutes, type StackOptions, type StackPorts } from './options.ts';
export { stackEndpoints, endpointVariables, type StackEndpoints } from './endpoints.ts';
export { formatStatusTable, type ComponentStatus, type ComponentState } from './status-table.ts';
export type { ComponentName } from './component.ts';
export { versions } from './versions.ts';
