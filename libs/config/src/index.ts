export { loadSettings, setting, type Setting, type Settings, type SettingsSpec } from './settings.ts';
export { bool, brokerList, countOrOff, httpUrl, mongoUri, oneOf, optionalText, originList, port, positiveInt, text } from './types.ts';
export { backboneSettings, commandSettings, consumerSettings, httpSettings, logLevels, topicSettings } from './common.ts';
