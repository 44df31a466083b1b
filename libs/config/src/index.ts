export { loadSettings, setting, type Setting, type Settings, type SettingsSpec } from './settings.ts';
export { bool, brokerList, countOrOff, httpUrl, mongoUri, oneOf, optionalHttpUrl, optionalText, originList, port, positiveInt, ratio, text } from './types.ts';
export { backboneSettings, commandSettings, consumerSettings, httpSettings, logLevels, topicSettings, traceSamplers, tracingSettings } from './common.ts';
