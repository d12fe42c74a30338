/**
 * Names are bytes: a file name that is not valid UTF-8 is listed, named and removed
 * exactly, through the real CLI on real files in a scratch directory on /dev/shm.
 * Names travel as strings with each undecodable byte 0xNN as the lone surrogate
 * U+DCNN (docs/json.md, "Names"); on a terminal they are shown with visible escapes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cliArgv, run, type RunResult } from './support/processes';
import { parseClean, parseScan, shmTempDirEachTest } from './support/segments';

/** Three names that a lossy UTF-8 decoder turns into the same `odd\ufffd`. */
const ODD = [
  { bytes: Buffer.from('odd\xff', 'latin1'), name: 'odd\udcff', shell: "$'odd\\xff'", shown: 'odd\\xff' },
  { bytes: Buffer.from('odd\xfe', 'latin1'), name: 'odd\udcfe', shell: "$'odd\\xfe'", shown: 'odd\\xfe' },
  { bytes: Buffer.from('odd\ufffd', 'utf8'), name: 'odd\ufffd', shell: "$'odd\\xef\\xbf\\xbd'", shown: 'odd\ufffd' },
];

/**
 * Runs the CLI through bash, so that an argument can be bytes that are not UTF-8
 * (`$'\xff'`): Node's spawn would encode a JS string's lone surrogate as U+FFFD.
 */
function runShell(commandLine: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  cliArgv([]); // refuses a stale build, as every CLI test does
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec '${CLI}' ${commandLine}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('names that are not valid UTF-8', () => {
  let dir: string;
  shmTempDirEachTest((made) => (dir = made));

  const bytesPath = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from(`${dir}/`), bytes]);
  const listing = (): string[] =>
    readdirSync(dir, { encoding: 'buffer' })
      .map((name) => name.toString('hex'))
      .sort();
  const hex = (bytes: Buffer): string => bytes.toString('hex');

  function makeOddFiles(): Map<string, number> {
    const inodes = new Map<string, number>();
    for (const odd of ODD) {
      writeFileSync(bytesPath(odd.bytes), 'x');
      inodes.set(odd.name, statSync(bytesPath(odd.bytes)).ino);
    }
    return inodes;
  }

  it('scan --json --all lists each of odd\\xff, odd\\xfe and odd\\xef\\xbf\\xbd under its own name', async () => {
    const inodes = makeOddFiles();
    const result = await run(cliArgv(['scan', '--json', '--all', '--dir', dir]));
    expect(result.code).toBe(0);
    // The JSON text carries the escapes as \udcNN, never as U+FFFD.
    expect(result.stdout).toContain('"odd\\udcff"');
    expect(result.stdout).toContain('"odd\\udcfe"');
    const listed = parseScan(result).segments.map((segment) => [segment.name, segment.inode]);
    expect(new Map(listed as [string, number][])).toEqual(inodes);
  });

  it('scan shows them distinctly in text: the bytes as \\xNN', async () => {
    makeOddFiles();
    const result = await run(cliArgv(['scan', '--all', '--dir', dir]));
    expect(result.code).toBe(0);
    const names = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('foreign '))
      .map((line) => line.split(/\s+/)[1]);
    expect(names.sort()).toEqual(ODD.map((odd) => odd.shown).sort());
  });

  it('clean --force with the exact bytes of each name removes exactly that file, and the audit log records each by its own name', async () => {
    const inodes = makeOddFiles();
    const dataHome = path.join(dir, 'data-home');
    const env = { ...process.env, XDG_DATA_HOME: dataHome };
    const left = new Set(ODD.map((odd) => hex(odd.bytes)));
    for (const odd of ODD) {
      const result = await runShell(`clean --yes --json --dir '${dir}' --force ${odd.shell}`, env);
      expect(result.code, result.stderr).toBe(0);
      expect(parseClean(result).removed.map((item) => item.name)).toEqual([odd.name]);
      left.delete(hex(odd.bytes));
      expect(listing()).toEqual([hex(Buffer.from('data-home')), ...left].sort());
    }
    const log = readFileSync(path.join(dataHome, 'shm-inspector', 'audit.jsonl'), 'utf8');
    const entries = log
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { name: string; inode: number; outcome: string });
    expect(entries.map(({ name, inode, outcome }) => [name, inode, outcome])).toEqual(
      ODD.map((odd) => [odd.name, inodes.get(odd.name), 'removed']),
    );
  });

  it("clean --force accepts a name written with its escapes as scan shows it inside bash $'…'", async () => {
    makeOddFiles();
    const dataHome = path.join(dir, 'data-home');
    const result = await runShell(`clean --yes --json --dir '${dir}' --force $'${ODD[1]?.shown ?? ''}'`, {
      ...process.env,
      XDG_DATA_HOME: dataHome,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(parseClean(result).removed.map((item) => item.name)).toEqual(['odd\udcfe']);
  });
});

describe('a shm directory whose own name is not UTF-8', () => {
  let dir: string;
  shmTempDirEachTest((made) => (dir = made));

  it('is scanned and cleaned through its exact bytes, given with --dir', async () => {
    const sub = Buffer.from(`${dir}/sub\xff`, 'latin1');
    mkdirSync(sub);
    const file = Buffer.concat([sub, Buffer.from('/odd\xfe', 'latin1')]);
    writeFileSync(file, 'x');
    const env = { ...process.env, XDG_DATA_HOME: path.join(dir, 'data-home') };
    const scan = await runShell(`scan --json --all --dir '${dir}'/$'sub\\xff'`, env);
    expect(scan.code, scan.stderr).toBe(0);
    const result = parseScan(scan);
    expect(result.dir).toBe(`${dir}/sub\udcff`);
    expect(result.segments.map((segment) => segment.name)).toEqual(['odd\udcfe']);

    const clean = await runShell(`clean --yes --json --dir '${dir}'/$'sub\\xff' --force $'odd\\xfe'`, env);
    expect(clean.code, clean.stderr).toBe(0);
    expect(parseClean(clean).removed.map((item) => item.name)).toEqual(['odd\udcfe']);
    expect(existsSync(file)).toBe(false);
  });
});

describe('names that could disguise themselves', () => {
  let dir: string;
  shmTempDirEachTest((made) => (dir = made));

  // U+202E reverses what follows; U+009B is a C1 control sequence introducer (CSI).
  const hostile = 'pulse-shm-1\u202egpj.exe\nremove\u009b2J';

  it('scan --all, clean --dry-run and scan --json show U+202E, a newline and U+009B as visible escapes', async () => {
    writeFileSync(path.join(dir, hostile), 'x');
    for (const args of [
      ['scan', '--all'],
      ['clean', '--dry-run', '--all'],
    ]) {
      const result = await run(cliArgv([...args, '--dir', dir]));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('pulse-shm-1\\u202egpj.exe\\x0aremove\\u009b2J');
      expect(result.stdout).not.toMatch(/[\u202e\u009b]/);
    }
    const plan = await run(cliArgv(['clean', '--dry-run', '--all', '--dir', dir]));
    expect(plan.stdout.split('\n').map((line) => line.replace(/ +/g, ' '))).toContain(
      ' keep pulse-shm-1\\u202egpj.exe\\x0aremove\\u009b2J foreign: not a PulseAudio segment name; only removed when named with --force',
    );
    const json = await run(cliArgv(['scan', '--json', '--all', '--dir', dir]));
    expect(json.stdout).toContain('"pulse-shm-1\\u202egpj.exe\\nremove\\u009b2J"');
    expect(json.stdout).not.toMatch(/[\u202e\u009b]/);
    expect(parseScan(json).segments.map((segment) => segment.name)).toEqual([hostile]);
  });

  it('clean --force removes it by its exact name, and its audit line carries the escapes, not the characters', async () => {
    writeFileSync(path.join(dir, hostile), 'x');
    const dataHome = path.join(dir, 'data-home');
    const result = await run(cliArgv(['clean', '--yes', '--json', '--force', hostile, '--dir', dir]), {
      env: { ...process.env, XDG_DATA_HOME: dataHome },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(parseClean(result).removed.map((item) => item.name)).toEqual([hostile]);
    const log = readFileSync(path.join(dataHome, 'shm-inspector', 'audit.jsonl'), 'utf8');
    expect(log).toContain('"name":"pulse-shm-1\\u202egpj.exe\\nremove\\u009b2J"');
    expect(log).not.toMatch(/[\u202e\u009b]/);
    expect((JSON.parse(log) as { name: string }).name).toBe(hostile);
  });

  it('a space at either end of a name is shown as \\x20, so `odd ` does not pass for `odd`', async () => {
    writeFileSync(path.join(dir, 'odd'), 'x');
    writeFileSync(path.join(dir, 'odd '), 'x');
    const result = await run(cliArgv(['scan', '--all', '--dir', dir]));
    const names = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('foreign '))
      .map((line) => line.split(/\s+/)[1]);
    expect(names.sort()).toEqual(['odd', 'odd\\x20']);
  });

  it('a literal backslash is shown doubled, so a name cannot pose as another name’s escape', async () => {
    writeFileSync(path.join(dir, 'odd\\xff'), 'x');
    writeFileSync(bytesPathIn(dir, Buffer.from('odd\xff', 'latin1')), 'x');
    const result = await run(cliArgv(['scan', '--all', '--dir', dir]));
    const names = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('foreign '))
      .map((line) => line.split(/\s+/)[1]);
    expect(names.sort()).toEqual(['odd\\\\xff', 'odd\\xff']);
  });
});

function bytesPathIn(dir: string, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), bytes]);
}
