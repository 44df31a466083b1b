export { loadSettings, setting, type Setting, type Settings, type SettingsSpec } from './settings.ts';
export { bool, brokerList, httpUrl, mongoUri, oneOf, port, positiveInt, text } from './types.ts';
export { backboneSettings, consumerSettings, logLevels, topicSettings } from './common.ts';
