import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createSchemaRegistry, defaultSchemasDir, loadSchemaCatalog, subjectFor, type SchemaEntry } from '@tributary/avro';
import { TributaryError } from '@tributary/errors';
import { levelFor, loadCompatibilityConfig } from './contract-files.ts';
import type { TopicFor } from './gate.ts';
import type { CompatibilityLevel } from './levels.ts';
import { getSubjectLevel, lookupSchema, setSubjectLevel } from '@tributary/avro';

export interface LevelOutcome {
  readonly subject: string;
  readonly level: CompatibilityLevel;
  readonly outcome: 'set' | 'unchanged';
  /** The level the registry had before (its global one when the subject had none). */
  readonly previous: string | undefined;
}

export interface VersionOutcome {
  readonly subject: string;
  readonly eventType: string;
  readonly version: number;
  /** refused: the registry's level rejected it; skipped: an earlier version of the subject was refused. */
  readonly outcome: 'registered' | 'unchanged' | 'refused' | 'skipped';
  readonly id?: number;
  /** The version number the registry gave it, which may differ from ours on a registry with history. */
  readonly registryVersion?: number;
  readonly message?: string;
}

export interface RegisterResult {
  readonly levels: readonly LevelOutcome[];
  readonly versions: readonly VersionOutcome[];
  /** True when any version was refused. */
  readonly failed: boolean;
}

export interface RegisterSchemasOptions {
  readonly registryUrl: string;
  readonly dir?: string;
  readonly topicFor?: TopicFor;
  /** Called as each level is set and each version is handled, for progress output. */
  readonly onOutcome?: (outcome: LevelOutcome | VersionOutcome) => void;
}

/** The CSR client's errors carry the HTTP status and "<clientId> - <registry message>". */
const fromClientError = (error: unknown, subject: string, version: number): TributaryError => {
  const status = (error as { status?: unknown }).status;
  const message = ((error as Error).message ?? String(error)).replace(/^[^-]*- /, '');
  const details = { subject, version, status };
  if (status === 409) return new TributaryError('SCHEMA_INCOMPATIBLE', message, { cause: error, details });
  if (status === 422) return new TributaryError('SCHEMA_INVALID', `The registry refused ${subject} v${version} as invalid: ${message}`, { cause: error, details });
  return new TributaryError('REGISTRY_UNAVAILABLE', `Registering ${subject} v${version} failed: ${message}`, { cause: error, details });
};

const bySubject = (entries: readonly SchemaEntry[], topicFor: TopicFor): [string, SchemaEntry[]][] => {
  const groups = new Map<string, SchemaEntry[]>();
  for (const entry of entries) {
    const subject = subjectFor(topicFor(entry.stream), entry);
    groups.set(subject, [...(groups.get(subject) ?? []), entry]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([subject, versions]) => [subject, versions.sort((a, b) => a.version - b.version)]);
};

/**
 * Registers every schema version in version order under its subject (topic + record name),
 * after setting the subject's level from compatibility.json, so the registry holds each new
 * version to the same rule as the local gate. A version already registered is left alone; a
 * refused version stops its subject (later versions would build on it) but not the others.
 */
export const registerSchemas = async ({ registryUrl, dir = defaultSchemasDir(), topicFor = (stream) => stream, onOutcome }: RegisterSchemasOptions): Promise<RegisterResult> => {
  const catalog = loadSchemaCatalog(dir);
  const compatibility = loadCompatibilityConfig(dir);
  const registry = createSchemaRegistry(registryUrl);
  const levels: LevelOutcome[] = [];
  const versions: VersionOutcome[] = [];
  const report = <T extends LevelOutcome | VersionOutcome>(list: T[], outcome: T) => {
    list.push(outcome);
    onOutcome?.(outcome);
  };

  for (const [subject, entries] of bySubject(catalog.entries, topicFor)) {
    const level = levelFor(compatibility, (entries[0] as SchemaEntry).eventType);
    const previous = await getSubjectLevel(registryUrl, subject);
    if (previous !== level) await setSubjectLevel(registryUrl, subject, level);
    report(levels, { subject, level, outcome: previous === level ? 'unchanged' : 'set', previous });

    let refused = false;
    for (const entry of entries) {
      const base = { subject, eventType: entry.eventType, version: entry.version };
      if (refused) {
        report(versions, { ...base, outcome: 'skipped', message: 'an earlier version of this subject was refused' });
        continue;
      }
      const known = await lookupSchema(registryUrl, subject, entry.text);
      if (known) {
        report(versions, { ...base, outcome: 'unchanged', id: known.id, registryVersion: known.version });
        continue;
      }
      try {
        // The client checks the subject's level equals ours before registering: it was just set.
        await registry.register({ type: SchemaType.AVRO, schema: entry.text }, { subject, compatibility: COMPATIBILITY[level] });
      } catch (error) {
        const failure = fromClientError(error, subject, entry.version);
        if (failure.code !== 'SCHEMA_INCOMPATIBLE') throw failure;
        refused = true;
        report(versions, { ...base, outcome: 'refused', message: failure.message });
        continue;
      }
      const registered = await lookupSchema(registryUrl, subject, entry.text);
      report(versions, { ...base, outcome: 'registered', ...(registered ? { id: registered.id, registryVersion: registered.version } : {}) });
    }
  }
  return { levels, versions, failed: versions.some((v) => v.outcome === 'refused') };
};
