'use strict';
// Part of `npm test`: the Electron security scan. Runs electronegativity on what runs inside
// the Electron app and fails on any high or medium finding that security/accepted-findings.json
// does not accept with a reviewed reason, on any accepted finding the scan no longer reports
// (so that the list stays true), and on eng-disable comments (which would bypass the list).
//
// electronegativity is called through its documented run() API, not its CLI: run() returns
// each finding's severity (its SARIF has none, its CSV quotes one row wrongly) and the files
// it could not parse (which its CLI drops silently when writing a report file).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ACCEPTED_FILE = 'security/accepted-findings.json';

/**
 * What runs inside the Electron app, as sources: the main process (electron/ and the engine
 * it loads: core/, protocol/, native/'s TypeScript front), the preload, the renderer
 * (renderer/index.html, renderer/src), and package.json, where electronegativity reads the
 * Electron version (without it, it assumes 0.1.0 and judges by that version's defaults).
 * Not dist/ or renderer/dist (compiled copies of these, present only after a build), not
 * node_modules (electronegativity skips it), nor server/, cli/, test/, e2e/, bench/,
 * scripts/: none of them runs in Electron.
 */
const SCANNED = ['package.json', 'electron', 'core', 'protocol', 'native', 'renderer/index.html', 'renderer/src'];

/**
 * Not run: it downloads Electron's release list and reports newer releases with security
 * fixes, so its verdict changes with the date and the network, not with this code (and with
 * electron a devDependency it only ever reports INFORMATIONAL). Electron upgrades are
 * dependency updates, tracked as such.
 */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** Severities that fail the check unless accepted. */
const GATED = new Set(['HIGH', 'MEDIUM']);
const SEVERITIES = new Set(['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']);
const ENTRY_KEYS = ['id', 'severity', 'file', 'code', 'reason'];
/** A reason shorter than this is not a review. */
const MIN_REASON_LENGTH = 40;

const wiki = (id) => `https://github.com/doyensec/electronegativity/wiki/${id}`;

/** One finding as electronegativity's run() reports it, reduced to what is judged and shown. */
function toFinding(issue) {
  return {
    id: issue.id,
    severity: issue.severity.name,
    file: issue.file,
    line: issue.location.line,
    column: issue.location.column,
    // The flagged source line, trimmed; global checks on no particular line have none.
    code: typeof issue.sample === 'string' ? issue.sample : null,
    description: issue.description,
  };
}

function entryProblems(entry, index) {
  const where = `${ACCEPTED_FILE} entry ${index + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [`${where} is not an object`];
  const problems = [];
  const keys = Object.keys(entry);
  for (const key of keys) if (!ENTRY_KEYS.includes(key)) problems.push(`${where}: unknown field "${key}"`);
  for (const key of ENTRY_KEYS) if (!keys.includes(key)) problems.push(`${where}: missing field "${key}"`);
  const { id, severity, file, code, reason } = entry;
  if (typeof id !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(id)) problems.push(`${where}: id must be a check id`);
  if (!SEVERITIES.has(severity)) problems.push(`${where}: severity must be one of ${[...SEVERITIES].join(', ')}`);
  if (typeof file !== 'string' || !/^[\w.-]+(\/[\w.-]+)*$/.test(file) || file.split('/').includes('..')) {
    problems.push(`${where}: file must be one file's path from the repository root, no patterns`);
  }
  if (code !== null && (typeof code !== 'string' || code.length === 0)) {
    problems.push(`${where}: code must be the flagged line as the scan reports it, or null when it reports none`);
  }
  if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
    problems.push(`${where}: reason must say why the finding is acceptable (at least ${MIN_REASON_LENGTH} characters)`);
  }
  return problems;
}

/**
 * The accepted findings: an array of { id, severity, file, code, reason }, each accepting
 * exactly one finding (exact values, no patterns: a new finding is never hidden by an old
 * entry). Throws, naming every problem, when the file is not that.
 */
function parseAccepted(text) {
  const entries = JSON.parse(text);
  if (!Array.isArray(entries)) throw new Error(`${ACCEPTED_FILE} must hold an array of accepted findings`);
  const problems = entries.flatMap(entryProblems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return entries;
}

const sameFinding = (entry, finding) =>
  entry.id === finding.id &&
  entry.severity === finding.severity &&
  entry.file === finding.file &&
  entry.code === finding.code;

/**
 * Judges electronegativity's output ({ issues, errors }) against the accepted entries.
 * Each entry accepts one finding, so two findings on the same line need two entries.
 * `suppressions` are the places where an eng-disable comment hides findings from the scan.
 */
function judge(output, accepted, suppressions = []) {
  const findings = output.issues.map(toFinding);
  const unused = [...accepted];
  const unaccepted = [];
  for (const finding of findings) {
    const index = unused.findIndex((entry) => sameFinding(entry, finding));
    if (index >= 0) unused.splice(index, 1);
    else if (GATED.has(finding.severity)) unaccepted.push(finding);
  }
  // A file it could not parse was not checked at all; tolerable errors are parser warnings.
  const unparsed = output.errors.filter((error) => !error.tolerable);
  return { findings, unaccepted, stale: unused, unparsed, suppressions };
}

const at = (finding) => `${finding.file}:${finding.line}:${finding.column}`;

/** What to print: `failed` when anything is unaccepted, stale or unparsed. */
function format(verdict) {
  const { findings, unaccepted, stale, unparsed, suppressions } = verdict;
  const lines = [];
  for (const finding of unaccepted) {
    const entry = { id: finding.id, severity: finding.severity, file: finding.file, code: finding.code };
    lines.push(
      `${finding.severity} ${finding.id} at ${at(finding)} is not accepted:`,
      `    ${finding.code ?? '(no source line)'}`,
      `    ${finding.description} (${wiki(finding.id)})`,
      `  Fix it. Or, if a review finds it acceptable, add to ${ACCEPTED_FILE}:`,
      `    ${JSON.stringify({ ...entry, reason: '<why it is acceptable>' })}`,
    );
  }
  for (const entry of stale) {
    lines.push(
      `${entry.severity} ${entry.id} in ${entry.file} is accepted but no longer reported: remove it from ${ACCEPTED_FILE}`,
      `    ${entry.code ?? '(no source line)'}`,
    );
  }
  for (const error of unparsed) {
    lines.push(`${error.file} could not be parsed, so it was not checked:`, `    ${error.message}`);
  }
  for (const place of suppressions) {
    lines.push(`${place} hides findings with an eng-disable comment: accept them in ${ACCEPTED_FILE} instead`);
  }
  const failed = lines.length > 0;
  const gated = findings.filter((finding) => GATED.has(finding.severity)).length;
  const summary = failed
    ? 'security-check: FAILED'
    : `security-check: passed: ${gated} high/medium finding(s), each accepted in ${ACCEPTED_FILE}`;
  const ungated = findings
    .filter((finding) => !GATED.has(finding.severity))
    .map((finding) => `  not gated: ${finding.severity} ${finding.id} at ${at(finding)}`);
  return { failed, text: [summary, ...lines, ...ungated].join('\n') + '\n' };
}

/**
 * Where the scanned sources carry electronegativity's eng-disable comments, as file:line.
 * The scan drops the findings they name before reporting, so they would bypass the reviewed list.
 */
function findSuppressions(base, paths) {
  const files = paths.flatMap((relative) =>
    fs.statSync(path.join(base, relative)).isDirectory()
      ? fs.readdirSync(path.join(base, relative), { recursive: true }).map((file) => path.join(relative, file))
      : [relative],
  );
  return files
    .filter((file) => /\.(jsx?|tsx?|html?)$/.test(file) && !file.split(path.sep).includes('node_modules'))
    .flatMap((file) =>
      fs
        .readFileSync(path.join(base, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (/eng-disable/i.test(line) ? [`${file}:${index + 1}`] : [])),
    );
}

/** Runs electronegativity once on `paths` of `base`: it takes one input, so they are linked into a staging directory. */
async function scan(base, paths) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-security-'));
  const links = [];
  try {
    for (const relative of paths) {
      const target = path.resolve(base, relative);
      if (!fs.existsSync(target))
        throw new Error(`${relative} does not exist: update SCANNED in scripts/security-check.js`);
      const link = path.join(stage, relative);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(target, link);
      links.push(link);
    }
    const run = require('@doyensec/electronegativity');
    const excludeFromScan = EXCLUDED_CHECKS.map((check) => check.toLowerCase());
    const output = await run({ input: stage, isRelative: true, excludeFromScan });
    // isRelative makes the issues' paths relative to the input, not the errors'.
    const errors = output.errors.map((error) => ({ ...error, file: path.relative(stage, error.file) }));
    return { ...output, errors };
  } finally {
    for (const link of links) fs.unlinkSync(link);
    fs.rmSync(stage, { recursive: true }); // only empty directories are left
  }
}

async function main() {
  const started = Date.now();
  const accepted = parseAccepted(fs.readFileSync(path.join(ROOT, ACCEPTED_FILE), 'utf8'));
  process.stdout.write(`security-check: electronegativity on ${SCANNED.join(', ')} (offline it waits ~10 s)\n`);
  const verdict = judge(await scan(ROOT, SCANNED), accepted, findSuppressions(ROOT, SCANNED));
  const { failed, text } = format(verdict);
  (failed ? process.stderr : process.stdout).write(text);
  process.stdout.write(`security-check: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`security-check: FAILED: ${error.message}\n`);
    process.exitCode = 1;
  });
}

module.exports = { SCANNED, parseAccepted, judge, format, findSuppressions, scan };
