import { defaultSchemasDir, loadSchemaCatalog, subjectFor, type SchemaEntry } from '@tributary/avro';
import { levelFor, loadCompatibilityConfig } from './contract-files.ts';
import type { TopicFor } from './gate.ts';
import type { CompatibilityLevel } from './levels.ts';
import { getSubjectLevel, lookupSchema, testCompatibility } from '@tributary/avro';

export interface RegistryVersionCheck {
  readonly eventType: string;
  readonly version: number;
  /** registered: already there; compatible / incompatible: the registry's answer for a new version. */
  readonly state: 'registered' | 'compatible' | 'incompatible';
  readonly registryVersion?: number;
  readonly message?: string;
}

export interface RegistrySubjectCheck {
  readonly subject: string;
  readonly level: CompatibilityLevel;
  /** The level the registry applies to the subject (its global one if the subject has none). */
  readonly registryLevel: string | undefined;
  readonly versions: readonly RegistryVersionCheck[];
}

export interface RegistryCheckOptions {
  readonly registryUrl: string;
  readonly dir?: string;
  readonly topicFor?: TopicFor;
}

/**
 * Asks the registry about each local version it does not hold yet: would it accept it as the
 * subject's next version? The registry judges by the level it has for the subject, and only
 * against what is registered, which is why the local gate runs first and over every version.
 */
export const checkAgainstRegistry = async ({ registryUrl, dir = defaultSchemasDir(), topicFor = (stream) => stream }: RegistryCheckOptions): Promise<RegistrySubjectCheck[]> => {
  const catalog = loadSchemaCatalog(dir);
  const compatibility = loadCompatibilityConfig(dir);
  const subjects = new Map<string, SchemaEntry[]>();
  for (const entry of catalog.entries) {
    const subject = subjectFor(topicFor(entry.stream), entry);
    subjects.set(subject, [...(subjects.get(subject) ?? []), entry]);
  }
  const checks: RegistrySubjectCheck[] = [];
  for (const [subject, entries] of [...subjects.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const registryLevel = await getSubjectLevel(registryUrl, subject);
    const versions: RegistryVersionCheck[] = [];
    for (const entry of entries.sort((a, b) => a.version - b.version)) {
      const base = { eventType: entry.eventType, version: entry.version };
      const known = await lookupSchema(registryUrl, subject, entry.text);
      if (known) {
        versions.push({ ...base, state: 'registered', registryVersion: known.version });
        continue;
      }
      const { compatible, messages } = await testCompatibility(registryUrl, subject, entry.text);
      const reason = messages.length > 0 ? `: ${messages.join('; ')}` : '';
      versions.push({
        ...base,
        state: compatible ? 'compatible' : 'incompatible',
        ...(compatible ? {} : { message: `the registry (level ${registryLevel ?? 'unknown'}) refuses ${entry.eventType} v${entry.version} as the next version of ${subject}${reason}` }),
      });
    }
    checks.push({ subject, level: levelFor(compatibility, (entries[0] as SchemaEntry).eventType), registryLevel, versions });
  }
  return checks;
};
