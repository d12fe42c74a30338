import { describe, expect, it } from 'vitest';
import { cleanRequest, createRequest, describeIssues } from './requests';

describe('createRequest', () => {
  it('accepts a valid request', () => {
    expect(createRequest.safeParse({ size: 65536, mode: 0o700, memfd: false }).success).toBe(true);
  });
  it('names the field of each problem', () => {
    const result = createRequest.safeParse({ size: 0, mode: 0o500, memfd: false });
    expect(result.success).toBe(false);
    if (result.success) return;
    const text = describeIssues(result.error);
    expect(text).toContain('size: size must be greater than 0');
    expect(text).toContain('mode: mode 0500 is below 0600');
  });
  it('refuses unknown fields and a marker PID on a memfd', () => {
    expect(createRequest.safeParse({ size: 1, mode: 0o700, memfd: false, path: '/etc' }).success).toBe(false);
    expect(createRequest.safeParse({ size: 1, mode: 0o700, memfd: true, markerPid: 5 }).success).toBe(false);
  });
});

describe('cleanRequest', () => {
  it('refuses forced names that would leave the directory', () => {
    for (const name of ['../etc/passwd', '/etc/passwd', 'a\0b', '..', '']) {
      const result = cleanRequest.safeParse({
        includeZombie: false,
        includeReused: false,
        force: [name],
        dryRun: false,
      });
      expect(result.success, name).toBe(false);
    }
  });
});
