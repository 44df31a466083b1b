#!/usr/bin/env node
// `npm audit --omit=dev`: fails when a production dependency has a high or critical advisory.
// Registry mirrors without the audit endpoint answer with an error instead of a report; that is
// said plainly and, unless TRIBUTARY_AUDIT_REQUIRED=1 (set in the GitHub workflow, which talks to
// the public registry), does not fail the run, since nothing was checked either way.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  report = undefined;
}

const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const reason = report?.error?.summary || report?.message || result.stderr.trim().split('\n').pop() || 'no report';
  const required = process.env.TRIBUTARY_AUDIT_REQUIRED === '1';
  console.log(`audit: not checked: the registry gave no audit report (${reason})${required ? '' : '; set TRIBUTARY_AUDIT_REQUIRED=1 to make that a failure'}`);
  process.exit(required ? 1 : 0);
}

const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`audit: production dependencies: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`);
if (serious > 0) {
  for (const [name, entry] of Object.entries(report.vulnerabilities ?? {})) {
    if (entry.severity === 'high' || entry.severity === 'critical') console.log(`  ${entry.severity}: ${name} ${entry.range ?? ''} (fix: ${entry.fixAvailable ? 'available' : 'none yet'})`);
  }
  process.exit(1);
}
