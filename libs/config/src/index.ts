export { loadSettings, readSetting, setting, type Setting, type Settings, type SettingsSpec } from './settings.ts';
export { overlaySettings, readSettingsFile, settingsChanges, settingsVersion, type SettingsFileValues } from './settings-file.ts';
export { bool, brokerList, countOrOff, httpUrl, mongoUri, oneOf, optionalHttpUrl, optionalText, originList, port, positiveInt, ratio, text } from './types.ts';
export { backboneSettings, commandSettings, consumerSettings, httpSettings, logLevels, settingsFileSettings, topicSettings, traceSamplers, tracingSettings } from './common.ts';
