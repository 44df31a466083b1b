// The Prometheus rules (infra/prometheus/rules/tributary.rules.yml) against what they promise:
// every alert has a severity, a summary, a description and a runbook section that exists; every
// metric they query is one the services define; and every alert has a promtool test in which it
// fires and one in which it stays quiet (promtool itself runs them: infra/scripts/check-infra.sh).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { headingAnchors, parseMarkdown } from './markdown.ts';

const root = join(import.meta.dirname, '..');
const rulesFile = join(root, 'infra/prometheus/rules/tributary.rules.yml');
const testsDir = join(root, 'infra/prometheus/tests');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts: unknown[];
}

const groups = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule) => rule.alert !== undefined);
const recorded = new Set(rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));

const alertTests: AlertTest[] = readdirSync(testsDir)
  .filter((name) => name.endsWith('.test.yml'))
  .flatMap((name) => (parse(readFileSync(join(testsDir, name), 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] }).tests)
  .flatMap((test) => test.alert_rule_test ?? []);

/** Metric names an expression reads: identifiers that are not PromQL's own words, labels or recorded series. */
const promqlWords = new Set(['sum', 'max', 'min', 'by', 'on', 'rate', 'increase', 'delta', 'histogram_quantile', 'and', 'or', 'unless', 'offset', 'bool', 'group_left']);
const metricsOf = (expr: string): string[] => {
  const bare = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|on)\s*\([^)]*\)/g, ' ')
    .replace(/offset \d+[smh]/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map(([word]) => word).filter((word) => !promqlWords.has(word) && !recorded.has(word) && !/^\d/.test(word));
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });

describe('the Prometheus alerting rules', () => {
  it('has alerts for every condition an on-call engineer acts on', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(16);
    expect([...recorded].sort()).toEqual(
      expect.arrayContaining(['tributary:command_duration_seconds:p99', 'tributary:query_duration_seconds:p99', 'tributary:read_model_freshness_seconds:p99']),
    );
  });

  it('gives each alert a severity, a summary, a description and a runbook section that exists', () => {
    const runbooks = headingAnchors(parseMarkdown(readFileSync(join(root, 'docs/runbooks.md'), 'utf8')).headings);
    for (const rule of alerts) {
      expect(['critical', 'warning'], `${rule.alert} severity`).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], `${rule.alert} summary`).toBeTruthy();
      expect(rule.annotations?.['description'], `${rule.alert} description`).toBeTruthy();
      const [file, anchor] = (rule.annotations?.['runbook_url'] ?? '').split('#');
      expect(file, `${rule.alert} runbook_url`).toBe('docs/runbooks.md');
      expect(runbooks.has(anchor ?? ''), `${rule.alert}: docs/runbooks.md has no section #${anchor}`).toBe(true);
    }
  });

  it('queries only metrics the services define, and Prometheus\'s own up', () => {
    const code = ['apps', 'libs'].flatMap((dir) => sources(join(root, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');
    const queried = new Set(rules.flatMap((rule) => metricsOf(rule.expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    const undefinedHere = [...queried].filter((name) => name !== 'up' && !code.includes(`'${name}'`));
    expect(undefinedHere, 'metrics the rules query but no service defines').toEqual([]);
  });

  it('tests each alert firing and each alert staying quiet', () => {
    for (const { alert } of alerts) {
      const cases = alertTests.filter((test) => test.alertname === alert);
      expect(cases.some((test) => test.exp_alerts.length > 0), `${alert}: no promtool test in which it fires`).toBe(true);
      expect(cases.some((test) => test.exp_alerts.length === 0), `${alert}: no promtool test in which it stays quiet`).toBe(true);
    }
  });
});
