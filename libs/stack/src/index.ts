export { stackUp, stackDown, stackStatus, completeOptions, components, type StackCallOptions, type StackDownOptions, type StackStatus } from './stack.ts';
export { resolveStackOptions, defaultPorts, portVariables, type StackOptions, type StackPorts } from './options.ts';
export { stackEndpoints, endpointVariables, type StackEndpoints } from './endpoints.ts';
export { formatStatusTable, type ComponentStatus, type ComponentState } from './status-table.ts';
export type { ComponentName } from './component.ts';
export { versions } from './versions.ts';
