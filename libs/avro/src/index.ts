export { defaultSchemasDir, loadSchemaCatalog, type SchemaCatalog, type SchemaEntry } from './catalog.ts';
export { createAvroCodec, createSchemaRegistry, type AvroCodecOptions, subjectFor, validate, type AvroCodec, type DecodedEvent, type FieldError, type SchemaRegistryOptions } from './codec.ts';
export { decimalFromBytes, decimalToBytes, formatDecimal, parseDecimal } from './decimal.ts';
export { DecimalType, ExactDecimalType, ExactTimestampMillisType, TimestampMillisType, exactLogicalTypes, logicalTypes, parseSchema } from './logical-types.ts';
export { encodeWireBody, fromWireFormat, readSchemaId, toWireFormat, wireHeaderLength, writeSchemaId } from './wire-format.ts';
export {
  getSubjectLevel,
  lookupSchema,
  registerVersion,
  registryReachable,
  registryRequest,
  setSubjectLevel,
  testCompatibility,
  type RegistryResponse,
} from './registry-http.ts';
