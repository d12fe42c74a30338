import { describe, expect, it } from 'vitest';
import { format, judge, parseAccepted } from './security-check.js';

/** An issue as electronegativity's run() returns it (only the fields the check reads, plus a few it ignores). */
function issue(id: string, severity: string, file: string, line: number, sample?: string) {
  return {
    id,
    file,
    location: { line, column: 17 },
    sample,
    description: `description of ${id}`,
    severity: { value: 0, name: severity },
    confidence: { value: 1, name: 'FIRM' },
    manualReview: false,
    shortenedURL: 'https://git.io/x',
  };
}

const WINDOW_LINE = 'const window = new BrowserWindow({';
const REASON = 'webPreferences come from secureWebPreferences(), which sets it; security.test.ts asserts it';

const acceptedSandbox = {
  id: 'SANDBOX_JS_CHECK',
  severity: 'MEDIUM',
  file: 'electron/main.ts',
  code: WINDOW_LINE,
  reason: REASON,
};

/** Today's scan: one accepted medium finding and a low one. */
const cleanRun = {
  issues: [
    issue('SANDBOX_JS_CHECK', 'MEDIUM', 'electron/main.ts', 18, WINDOW_LINE),
    issue('CSP_GLOBAL_CHECK', 'LOW', 'electron/main.ts', 39),
  ],
  errors: [],
};

describe('judge', () => {
  it('passes when every high and medium finding is accepted, and does not gate low ones', () => {
    const verdict = judge(cleanRun, [acceptedSandbox]);
    expect(verdict.unaccepted).toEqual([]);
    expect(verdict.stale).toEqual([]);
    expect(format(verdict).failed).toBe(false);
    expect(format(verdict).text).toContain('not gated: LOW CSP_GLOBAL_CHECK at electron/main.ts:39:17');
  });

  it('fails on a high finding that is not accepted, and says how to accept it', () => {
    const run = {
      issues: [...cleanRun.issues, issue('CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'electron/main.ts', 18, WINDOW_LINE)],
      errors: [],
    };
    const verdict = judge(run, [acceptedSandbox]);
    expect(verdict.unaccepted.map((finding: { id: string }) => finding.id)).toEqual(['CONTEXT_ISOLATION_JS_CHECK']);
    const { failed, text } = format(verdict);
    expect(failed).toBe(true);
    expect(text).toContain('HIGH CONTEXT_ISOLATION_JS_CHECK at electron/main.ts:18:17 is not accepted');
    expect(text).toContain('"id":"CONTEXT_ISOLATION_JS_CHECK","severity":"HIGH","file":"electron/main.ts"');
  });

  it('lets one entry accept one finding: a second finding on the same line fails', () => {
    const second = issue('SANDBOX_JS_CHECK', 'MEDIUM', 'electron/main.ts', 60, WINDOW_LINE);
    const verdict = judge({ issues: [...cleanRun.issues, second], errors: [] }, [acceptedSandbox]);
    expect(verdict.unaccepted).toHaveLength(1);
    expect(format(verdict).failed).toBe(true);
  });

  it('fails when the flagged line changed: the entry no longer matches, and is stale', () => {
    const run = {
      issues: [issue('SANDBOX_JS_CHECK', 'MEDIUM', 'electron/main.ts', 18, 'const other = new BrowserWindow({')],
      errors: [],
    };
    const verdict = judge(run, [acceptedSandbox]);
    expect(verdict.unaccepted).toHaveLength(1);
    expect(verdict.stale).toEqual([acceptedSandbox]);
  });

  it('fails on an accepted finding the scan no longer reports', () => {
    const verdict = judge({ issues: [], errors: [] }, [acceptedSandbox]);
    expect(verdict.stale).toEqual([acceptedSandbox]);
    const { failed, text } = format(verdict);
    expect(failed).toBe(true);
    expect(text).toContain('MEDIUM SANDBOX_JS_CHECK in electron/main.ts is accepted but no longer reported');
  });

  it('fails when a file could not be parsed, since it was not checked; parser warnings pass', () => {
    const errors = [
      { file: 'electron/broken.ts', message: 'Unexpected token (3:4)', tolerable: false },
      { file: 'electron/main.ts', message: 'a recoverable warning', tolerable: true },
    ];
    const verdict = judge({ issues: cleanRun.issues, errors }, [acceptedSandbox]);
    expect(verdict.unparsed).toEqual([errors[0]]);
    expect(format(verdict).text).toContain('electron/broken.ts could not be parsed, so it was not checked');
  });
  it('fails where an eng-disable comment hides findings from the scan', () => {
    const verdict = judge(cleanRun, [acceptedSandbox], ['electron/main.ts:18']);
    const { failed, text } = format(verdict);
    expect(failed).toBe(true);
    expect(text).toContain('electron/main.ts:18 hides findings with an eng-disable comment');
  });
});

describe('parseAccepted', () => {
  const text = (entries: unknown) => JSON.stringify(entries);

  it('reads reviewed entries', () => {
    expect(parseAccepted(text([acceptedSandbox]))).toEqual([acceptedSandbox]);
  });

  it('refuses patterns, which could hide new findings', () => {
    expect(() => parseAccepted(text([{ ...acceptedSandbox, file: 'electron/*.ts' }]))).toThrow(/no patterns/);
    expect(() => parseAccepted(text([{ ...acceptedSandbox, id: '*' }]))).toThrow(/check id/);
  });

  it('refuses an entry without a written reason, or with fields it does not know', () => {
    expect(() => parseAccepted(text([{ ...acceptedSandbox, reason: '<why it is acceptable>' }]))).toThrow(/reason/);
    const withoutReason: Partial<typeof acceptedSandbox> = { ...acceptedSandbox };
    delete withoutReason.reason;
    expect(() => parseAccepted(text([withoutReason]))).toThrow(/missing field "reason"/);
    expect(() => parseAccepted(text([{ ...acceptedSandbox, line: 18 }]))).toThrow(/unknown field "line"/);
  });

  it('refuses a file that is not an array', () => {
    expect(() => parseAccepted(text({ accepted: [] }))).toThrow(/array/);
  });
});
