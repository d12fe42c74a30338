/**
 * bin/shm-inspector as a user runs it: the JSON contract of scan, what create makes on
 * disk, exit codes (0 done, 1 failed, 2 usage), and that refused commands touch nothing.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSegment } from '../native';
import type { CleanupResult } from '../protocol/cleanup';
import type { Attachment, Capacity, Marker, OwnerProcess, ScanResult, Segment } from '../protocol/scan-result';
import { cliArgv, deadPid, firstLine, run, start } from './support/processes';
import { parseClean, parseScan, randomPulseName, readTail, segmentNamed, shmTempDirEachTest } from './support/segments';

/**
 * The keys of T, checked by the compiler to be all of them: if the contract in
 * protocol/ gains or loses a field, this file stops type-checking until the test agrees.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    keys: K & (Exclude<keyof T, K[number]> extends never ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): string[] => ([...keys] as string[]).sort();
}

const SCAN_KEYS = keysOf<ScanResult>()([
  'dir',
  'scannedAt',
  'capacity',
  'initialPidNamespace',
  'uninspectedProcesses',
  'procHidepid',
  'segments',
  'memfds',
  'deleted',
  'findings',
]);
const CAPACITY_KEYS = keysOf<Capacity>()(['total', 'used', 'free']);
const SEGMENT_KEYS = keysOf<Segment>()([
  'name',
  'kind',
  'size',
  'allocated',
  'dev',
  'inode',
  'mode',
  'uid',
  'gid',
  'birthTime',
  'mtime',
  'pulse',
  'state',
  'reason',
  'pool',
  'marker',
  'owner',
  'attached',
  'holdersIncomplete',
  'removal',
  'error',
]);
const MARKER_KEYS = keysOf<Marker>()(['valid', 'magic', 'pid', 'hex']);
const OWNER_KEYS = keysOf<OwnerProcess>()(['pid', 'comm', 'state', 'startTime']);
const ATTACHMENT_KEYS = keysOf<Attachment>()(['pid', 'comm', 'access', 'via']);
const CLEANUP_KEYS = keysOf<CleanupResult>()(['dryRun', 'removed', 'kept', 'failed', 'bytesFreed']);

const STATES = ['live', 'stale', 'stale-zombie', 'stale-pid-reused', 'unverifiable', 'no-marker', 'foreign'];

function expectSegmentContract(segment: Segment): void {
  expect(Object.keys(segment).sort()).toEqual(SEGMENT_KEYS);
  expect(segment).toMatchObject({
    name: expect.any(String) as unknown,
    kind: expect.stringMatching(/^(file|dir|symlink|other)$/) as unknown,
    size: expect.any(Number) as unknown,
    allocated: expect.any(Number) as unknown,
    dev: expect.any(Number) as unknown,
    inode: expect.any(Number) as unknown,
    mode: expect.any(Number) as unknown,
    uid: expect.any(Number) as unknown,
    gid: expect.any(Number) as unknown,
    mtime: expect.any(Number) as unknown,
    pulse: expect.any(Boolean) as unknown,
    reason: expect.any(String) as unknown,
  });
  expect(STATES).toContain(segment.state);
  expect(segment.birthTime === null || typeof segment.birthTime === 'number').toBe(true);
  if (segment.marker !== null) {
    expect(Object.keys(segment.marker).sort()).toEqual(MARKER_KEYS);
    expect(segment.marker.hex).toMatch(/^[0-9a-f]{80}$/);
  }
  if (segment.owner !== null) expect(Object.keys(segment.owner).sort()).toEqual(OWNER_KEYS);
  for (const holder of segment.attached) {
    expect(Object.keys(holder).sort()).toEqual(ATTACHMENT_KEYS);
    expect(['rw', 'ro']).toContain(holder.access);
    expect(holder.via.length).toBeGreaterThan(0);
  }
  expect(segment.error).toBeNull();
}

describe('the shm-inspector command line', () => {
  let dir: string;
  const cli = (args: readonly string[]) => run(cliArgv([...args, '--dir', dir]));
  const listing = () => readdirSync(dir).sort();

  /** A stale segment: what a wrongly accepted `clean` would remove. */
  function staleSegment(): string {
    return createSegment({ dir, dataSize: 65536, mode: 0o700, markerPid: deadPid() }).name;
  }

  shmTempDirEachTest((made) => (dir = made));

  it('scan --json prints exactly the documented fields, for live, stale, marker-less and foreign entries', async () => {
    const holder = start(cliArgv(['create', '--size', '64KiB', '--hold', '30', '--json', '--dir', dir]));
    const live = (JSON.parse(await firstLine(holder)) as { name: string }).name;
    const stale = staleSegment();
    const tiny = randomPulseName();
    writeFileSync(path.join(dir, tiny), Buffer.alloc(10));
    writeFileSync(path.join(dir, 'other-file'), 'x');

    const result = await cli(['scan', '--json']);
    expect(result.code).toBe(0);
    const scan = parseScan(result);
    expect(Object.keys(scan).sort()).toEqual(SCAN_KEYS);
    expect(Object.keys(scan.capacity).sort()).toEqual(CAPACITY_KEYS);
    expect(scan.dir).toBe(dir);
    expect(scan.capacity.total).toBeGreaterThan(0);
    expect(scan.capacity.used).toBeLessThanOrEqual(scan.capacity.total);
    expect(scan.segments.map((segment) => segment.name).sort()).toEqual(listing());
    for (const segment of scan.segments) expectSegmentContract(segment);

    expect(segmentNamed(scan, live)).toMatchObject({ state: 'live', owner: { pid: holder.pid } });
    expect(segmentNamed(scan, stale)).toMatchObject({ state: 'stale', owner: null });
    expect(segmentNamed(scan, tiny)).toMatchObject({ state: 'no-marker', marker: null });
    expect(segmentNamed(scan, 'other-file')).toMatchObject({ state: 'foreign', pulse: false });
  });

  it('scan --json is one line in a pipe and indented on a terminal, the same scan either way', async () => {
    for (let i = 0; i < 3; i++) staleSegment();
    const piped = await cli(['scan', '--json']);
    // python3's pty.spawn runs the command on a pseudo-terminal and copies what it prints.
    const onTerminal = await run([
      'python3',
      '-c',
      'import pty, sys; pty.spawn(sys.argv[1:])',
      ...cliArgv(['scan', '--json', '--dir', dir]),
    ]);
    expect(piped.code).toBe(0);
    expect(onTerminal.code).toBe(0);
    expect(piped.stdout.endsWith('}\n') && piped.stdout.indexOf('\n') === piped.stdout.length - 1).toBe(true);
    const terminalText = onTerminal.stdout.replaceAll('\r\n', '\n');
    expect(terminalText).toContain('\n  "segments": [\n');
    // The directory's segments are this test's alone; capacity and memfds are the machine's, and may move between runs.
    expect((JSON.parse(terminalText) as ScanResult).segments).toEqual(parseScan(piped).segments);
  });

  it('create --size 64KiB --mode 0640 makes a 65576-byte file, mode 0640, marked with the CLI’s PID, stale once it exits', async () => {
    const create = start(cliArgv(['create', '--size', '64KiB', '--mode', '0640', '--dir', dir]));
    expect((await create.exited).code).toBe(0);
    const created = listing();
    expect(created).toHaveLength(1);
    const [name = ''] = created;
    expect(create.stdout()).toContain(name);

    const file = path.join(dir, name);
    const stats = statSync(file);
    expect(stats.size).toBe(65536 + 40);
    expect(stats.mode & 0o7777).toBe(0o640);
    const tail = readTail(file);
    expect(tail.readUInt32LE(0)).toBe(0xbeefcafe);
    expect(tail.readInt32LE(4)).toBe(create.pid);

    const segment = segmentNamed(parseScan(await cli(['scan', '--json'])), name);
    expect(segment).toMatchObject({
      state: 'stale',
      size: 65576,
      mode: 0o640,
      owner: null,
      marker: { valid: true, pid: create.pid },
    });
  });

  it('create --hold keeps its process alive as the live owner that maps the segment, then exits 0', async () => {
    const holder = start(cliArgv(['create', '--size', '64KiB', '--hold', '5', '--json', '--dir', dir]));
    const created = JSON.parse(await firstLine(holder)) as { name: string; markerPid: number; held: boolean };
    expect(created).toMatchObject({ markerPid: holder.pid, held: true });

    const whileHeld = segmentNamed(parseScan(await cli(['scan', '--json'])), created.name);
    expect(whileHeld).toMatchObject({ state: 'live', owner: { pid: holder.pid } });
    expect(whileHeld.attached).toContainEqual(expect.objectContaining({ pid: holder.pid, access: 'rw' }));

    expect((await holder.exited).code).toBe(0);
    const afterwards = segmentNamed(parseScan(await cli(['scan', '--json'])), created.name);
    expect(afterwards).toMatchObject({ state: 'stale', owner: null, attached: [] });
  });

  it.each([
    [['create', '--size', '0'], /size must be greater than 0/],
    [['create', '--size', '2GiB'], /exceeds the 1 GiB maximum/],
    [['create', '--size', '64KiB', '--mode', '0500'], /mode 0500 is below 0600/],
    [['create', '--size', '64KiB', '--mode', '01700'], /mode 01700 has bits beyond 0777/],
    [['create', '--size', 'abc'], /--size: "abc" is not a size \(bytes, or with a unit/],
    [['create', '--size', '64KiB', '--bogus'], /--bogus/],
    [['clean', '--yes', '--force', '../x'], /"\.\.\/x" contains a slash/],
    [['clean', '--yes', '--force', '/etc/passwd'], /"\/etc\/passwd" contains a slash/],
    [['clean', '--yes', '--force', 'a/b'], /"a\/b" contains a slash/],
    [['clean', '--yes', '--force', '..'], /"\.\." is not an entry/],
    [['clean', '--yes', '--include', 'bogus'], /--include takes zombie, reused; not bogus/],
    [['clean', '--yes', '--bogus'], /--bogus/],
    [['scan', '--bogus'], /--bogus/],
  ])('%j exits 2, says what is wrong on stderr, and changes nothing', async (args, message) => {
    staleSegment();
    const before = listing();
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(listing()).toEqual(before);
    expect(existsSync('/etc/passwd')).toBe(true);
  });

  it('an unknown command or no command at all exits 2 with the usage', async () => {
    const unknown = await run(cliArgv(['frobnicate']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"[\s\S]*Usage:/);
    const none = await run(cliArgv([]));
    expect(none.code).toBe(2);
    expect(none.stdout + none.stderr).toContain('Usage:');
  });

  it("--help after any command prints that command's usage alone, and --version the package's version, both exit 0", async () => {
    for (const command of ['scan', 'clean', 'create', 'lab', 'serve']) {
      const help = await run(cliArgv([command, '--help']));
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: shm-inspector ${command} `));
      expect(help.stdout).not.toContain('Commands:');
      expect((await run(cliArgv(['help', command]))).stdout).toBe(help.stdout);
    }
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const printed = await run(cliArgv(['--version']));
    expect(printed).toMatchObject({ code: 0, stdout: `shm-inspector ${version}\n`, stderr: '' });
  });

  it('explains bad values in the words of its flags, one plain line each, and changes nothing', async () => {
    const dashed = await cli(['create', '--size', '-5']);
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).not.toContain('\\x0a');
    expect(dashed.stderr.split('\n')[0]).toBe("shm-inspector create: Option '--size' argument is ambiguous.");
    expect(dashed.stderr).toContain('Run "shm-inspector create --help" for usage.');

    const negative = await cli(['create', '--size=-5']);
    expect(negative.stderr).toMatch(/^shm-inspector create: --size: "-5" is not a size \(bytes, or with a unit/);
    const pid = await cli(['create', '--size', '64KiB', '--marker-pid', '0']);
    expect(pid.stderr).toMatch(/^shm-inspector create: --marker-pid: a PID is from 1 to \d+\n/);
    const slots = await cli(['lab', 'pool', '--slots', '1']);
    expect(slots.stderr).toMatch(/^shm-inspector lab: --slots: a pool has at least 2 slots\n/);
    for (const result of [dashed, negative, pid, slots]) expect(result.code).toBe(2);
    expect(listing()).toEqual([]);
  });

  it('clean --dry-run lays the plan out in aligned, labelled columns: file size, bytes freed, why', async () => {
    const stale = staleSegment();
    writeFileSync(path.join(dir, 'foreign'), 'x');
    const result = await cli(['clean', '--dry-run', '--force', 'foreign']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const header = lines[1] ?? '';
    expect(header).toMatch(/^ +NAME +SIZE +FREES +WHY$/);
    const planned = lines.filter((line) => line.startsWith('  remove '));
    expect(planned).toHaveLength(2);
    for (const line of planned) {
      // Every column starts where its heading does.
      for (const heading of ['NAME', 'SIZE', 'FREES', 'WHY']) expect(line[header.indexOf(heading) - 1]).toBe(' ');
      expect(line.slice(header.indexOf('NAME'))).toMatch(/^\S/);
      expect(line.slice(header.indexOf('WHY'))).toMatch(/^\S/);
    }
    const staleLine = planned.find((line) => line.includes(stale)) ?? '';
    expect(staleLine.slice(header.indexOf('SIZE'))).toMatch(/^64\.0 KiB +4\.0 KiB /);
  });

  it('scan lists only the memfds that are pools, and --all the others too', async () => {
    // A memfd that is no pool (not whole 64 KiB slots), held by a process of the test's own.
    const holder = start([
      'python3',
      '-c',
      'import os, mmap, sys, time\nfd = os.memfd_create("not-a-pool")\nos.ftruncate(fd, 100000)\nm = mmap.mmap(fd, 100000)\nprint("ready", flush=True)\ntime.sleep(60)',
    ]);
    expect(await firstLine(holder)).toBe('ready');
    const text = await cli(['scan']);
    expect(text.stdout).not.toContain('memfd:not-a-pool');
    expect(text.stdout).toMatch(/^\d+ memfds? that (is|are) not a pool (is|are) hidden \(--all shows (it|them)\)$/m);
    const all = await cli(['scan', '--all']);
    expect(all.stdout).toMatch(new RegExp(`memfd:not-a-pool inode \\d+, 97\\.7 KiB, held by ${holder.pid} python3`));
  });

  it('clean --yes without a terminal removes the stale segment and exits 0', async () => {
    const stale = staleSegment();
    const result = await cli(['clean', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`removed ${stale}`);
    expect(listing()).toEqual([]);
  });

  it('clean --yes records every removal in audit.jsonl in the user’s data directory, with the interface and identity', async () => {
    const stale = staleSegment();
    const { dev, ino: inode } = statSync(path.join(dir, stale));
    const dataHome = path.join(dir, 'data-home');
    const result = await run(cliArgv(['clean', '--yes', '--dir', dir]), {
      env: { ...process.env, XDG_DATA_HOME: dataHome },
    });
    expect(result.code).toBe(0);
    const log = path.join(dataHome, 'shm-inspector', 'audit.jsonl');
    expect(result.stderr).toContain(`Recorded in ${log}`);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        interface: 'cli',
        uid: process.getuid?.(),
        pid: expect.any(Number) as unknown,
        dir,
        name: stale,
        dev,
        inode,
        reason: expect.stringContaining('no longer exists') as unknown,
        bytes: expect.any(Number) as unknown,
        outcome: 'removed',
        message: null,
      },
    ]);
  });

  it('clean exits 1 and removes nothing when the audit log cannot be written', async () => {
    const stale = staleSegment();
    const notADirectory = path.join(dir, 'data-home');
    writeFileSync(notADirectory, '');
    const result = await run(cliArgv(['clean', '--yes', '--dir', dir]), {
      env: { ...process.env, XDG_DATA_HOME: notADirectory },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot write the audit log');
    expect(result.stderr).toContain('nothing is deleted');
    expect(listing()).toEqual(['data-home', stale].sort());
  });

  it('serve will not start a host that can delete when the audit log cannot be written', async () => {
    const notADirectory = path.join(dir, 'data-home');
    writeFileSync(notADirectory, '');
    const result = await run(cliArgv(['serve', '--port', '0', '--dir', dir]), {
      env: { ...process.env, XDG_DATA_HOME: notADirectory },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot write the audit log');
    expect(result.stdout).not.toContain('http://');
  });

  it('scan and clean --dry-run print a name with an escape sequence and a newline as visible escapes', async () => {
    const hostile = 'evil\u001b[2J\nremove  pulse-shm-1';
    writeFileSync(path.join(dir, hostile), 'x');
    for (const args of [
      ['scan', '--all'],
      ['clean', '--dry-run', '--all'],
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('evil\\x1b[2J\\x0aremove  pulse-shm-1');
      expect(result.stdout).not.toContain('\u001b');
      expect(result.stdout.split('\n').some((line) => /^\s*remove\s/.test(line))).toBe(false);
    }
  });

  it('clean without --yes and without a terminal exits 2 and removes nothing', async () => {
    const stale = staleSegment();
    const result = await cli(['clean']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--yes/);
    expect(listing()).toEqual([stale]);
  });

  it('clean --dry-run removes nothing, in text and in JSON, while reporting what it would remove', async () => {
    const stale = staleSegment();
    const text = await cli(['clean', '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`remove\\s+${stale}`));
    expect(text.stdout).toContain('dry run');
    expect(listing()).toEqual([stale]);

    const json = await cli(['clean', '--dry-run', '--json']);
    expect(json.code).toBe(0);
    const result = parseClean(json);
    expect(Object.keys(result).sort()).toEqual(CLEANUP_KEYS);
    expect(result).toMatchObject({ dryRun: true, removed: [{ name: stale }], failed: [] });
    expect(result.bytesFreed).toBe(result.removed.reduce((sum, item) => sum + item.bytes, 0));
    expect(listing()).toEqual([stale]);
  });

  it('clean exits 1 and reports ENOENT when a name given with --force is not in the directory', async () => {
    const missing = randomPulseName();
    const result = await cli(['clean', '--yes', '--json', '--force', missing]);
    expect(result.code).toBe(1);
    expect(parseClean(result).failed).toEqual([expect.objectContaining({ name: missing, code: 'ENOENT' })]);
  });

  it('starts without NODE_EXTRA_CA_CERTS: Node does not load that bundle (no warning for a missing one)', async () => {
    const result = await run(cliArgv(['scan', '--dir', dir]), {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('extra certs');
  });

  describe('writing its output', () => {
    /** About 400 bytes of JSON each: 400 of them are far more than a pipe holds (64 KiB). */
    const manySegments = (): void => {
      const markerPid = deadPid();
      for (let i = 0; i < 400; i++) createSegment({ dir, dataSize: 4096, mode: 0o600, markerPid });
    };

    it('into a pipe whose reader stops early (| head), ends quietly with exit 0', async () => {
      manySegments();
      const pipeline = '"$@" | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}"';
      const result = await run(['bash', '-c', pipeline, 'bash', ...cliArgv(['scan', '--json', '--dir', dir])]);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('0');
    });

    it('into a non-blocking pipe that fills up (EAGAIN), waits and writes all of it', async () => {
      manySegments();
      // The write end is made non-blocking and read only after a pause, so the pipe fills.
      const reader = `
import json, os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(0.5)
data = b""
while chunk := os.read(r, 65536):
    data += chunk
print(child.wait(), len(json.loads(data)["segments"]))`;
      const result = await run(['python3', '-c', reader, ...cliArgv(['scan', '--json', '--dir', dir])]);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('0 400');
    });
  });

  it('scan of a directory that does not exist exits 1 with the reason', async () => {
    const result = await run(cliArgv(['scan', '--dir', path.join(dir, 'missing')]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ENOENT|no such file/i);
  });
});
