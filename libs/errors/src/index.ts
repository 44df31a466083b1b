export { errorCodes, type ErrorCode } from './codes.ts';
export {
  TributaryError,
  isTributaryError,
  toTributaryError,
  type TributaryErrorOptions,
} from './tributary-error.ts';
export { classify, type Disposition } from './classify.ts';
