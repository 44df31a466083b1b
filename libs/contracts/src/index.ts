export { generateTypes, type CodegenInput } from './codegen.ts';
export {
  levelFor,
  loadCompatibilityConfig,
  loadConsumers,
  parseCompatibilityConfig,
  parseConsumers,
  type CompatibilityConfig,
  type ConsumerContract,
} from './contract-files.ts';
export {
  checkSchemas,
  runGate,
  type CheckSchemasOptions,
  type ConsumerCheck,
  type ContractProblem,
  type GateInput,
  type GateResult,
  type SubjectCheck,
  type TopicFor,
} from './gate.ts';
export { generatedDir, generateFromSchemas, staleGeneratedFiles, writeGeneratedFiles, type StaleFile } from './generated-files.ts';
export { compatibilityLevels, isCompatibilityLevel, pairsFor, type CompatibilityLevel, type ReadPair } from './levels.ts';
export { describeProblem, type PairContext } from './messages.ts';
export { registerSchemas, type LevelOutcome, type RegisterResult, type RegisterSchemasOptions, type VersionOutcome } from './register.ts';
export { checkAgainstRegistry, type RegistryCheckOptions, type RegistrySubjectCheck, type RegistryVersionCheck } from './registry-check.ts';
export { registryReachable } from '@tributary/avro';
export { readProblems, resolutionProblems, type ResolutionProblem } from './resolution.ts';
export { describeType, toSchemaNode, type SchemaNode } from './schema-model.ts';
export { topicPrefixVariable, topicsWithPrefix } from './topics.ts';
export type * from './generated/index.ts';
