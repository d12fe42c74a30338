/**
 * Properties of the command line, run in-process through runCli with a recording Io, on
 * real files: `clean` with any argv removes exactly what the parsed options allow (or
 * nothing, on a usage error, a dry run or a refusal), never anything outside the
 * directory; `create` with any size, mode and marker text makes exactly the segment the
 * documented limits allow, or nothing.
 */
import fc from 'fast-check';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseByteSize, parseMode, parseWholeNumber } from '../../protocol/byte-size';
import type { CleanupResult } from '../../protocol/cleanup';
import { fixtureSpecs, namePick, resolveName, type NamePick } from '../support/cleanup-arbitraries';
import { checkAfterRun, expectedRemovals, snapshot } from '../support/cleanup-oracle';
import { cleanupWorldForFile, type CleanupWorld, isEntryName, isPulseName } from '../support/cleanup-world';
import type { Io } from '../../cli/cli-error';
import { runCli } from '../../cli/main';
import { names, readTail } from '../support/segments';

let world: CleanupWorld;
cleanupWorldForFile((started) => (world = started));

/** An Io that records what the command prints and answers the confirmation as told. */
function recordingIo(confirm: boolean | null, outIsTerminal: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: Io = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    json: (value) => out.push(JSON.stringify(value, null, outIsTerminal ? 2 : undefined)),
    confirm:
      confirm === null
        ? null
        : async (question) => {
            asked.push(question);
            return confirm;
          },
  };
  return { io, out, err, asked };
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Options and values as groups of argv words; `--dir` is always the scratch directory. */
type Group =
  | { flag: '--dry-run' | '--yes' | '--json' | '--all' }
  | { include: string; joined: boolean }
  | { force: NamePick; joined: boolean }
  | { junk: string };

const group: fc.Arbitrary<Group> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      flag: fc.constantFrom('--dry-run', '--yes', '--json', '--all') as fc.Arbitrary<
        '--dry-run' | '--yes' | '--json' | '--all'
      >,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      include: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('zombie', 'reused', 'zombie,reused', 'reused,zombie,', '', ',') },
        { weight: 1, arbitrary: fc.constantFrom('Zombie', 'all', 'zombie;reused', ' zombie') },
      ),
      joined: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      force: fc.oneof(
        { weight: 4, arbitrary: fc.record({ entry: fc.nat(), variant: fc.constant('exact' as const) }) },
        { weight: 1, arbitrary: namePick },
      ),
      joined: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      junk: fc.constantFrom('--bogus', 'positional', '-y', '--help', '--dry-run=yes', '--yes=1', '--', '-'),
    }),
  },
);

interface Expected {
  /** --help before any `--`: the command's usage is printed and nothing else happens, whatever else is there. */
  help: boolean;
  usage: boolean;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  includeZombie: boolean;
  includeReused: boolean;
  force: string[];
}

/**
 * The argv for the groups, and what it means, by the documented grammar: an unknown
 * option, a positional word, an option value that starts with a dash (ambiguous), an
 * include word other than zombie and reused, or a name that is not an entry name is a
 * usage error.
 */
function render(groups: readonly Group[], resolve: (pick: NamePick) => string): { argv: string[]; expected: Expected } {
  const argv = ['clean', `--dir=${world.scratch}`];
  const expected: Expected = {
    help: false,
    usage: false,
    dryRun: false,
    yes: false,
    json: false,
    includeZombie: false,
    includeReused: false,
    force: [],
  };
  const value = (option: string, text: string, joined: boolean): void => {
    if (joined) argv.push(`${option}=${text}`);
    else {
      argv.push(option, text);
      if (text.length > 1 && text.startsWith('-')) expected.usage = true;
    }
  };
  let optionsEnded = false;
  groups.forEach((item, index) => {
    if ('flag' in item) {
      argv.push(item.flag);
      if (item.flag === '--dry-run') expected.dryRun = true;
      if (item.flag === '--yes') expected.yes = true;
      if (item.flag === '--json') expected.json = true;
    } else if ('include' in item) {
      value('--include', item.include, item.joined);
      for (const word of item.include.split(',').filter((word) => word !== '')) {
        if (word === 'zombie') expected.includeZombie = true;
        else if (word === 'reused') expected.includeReused = true;
        else expected.usage = true;
      }
    } else if ('force' in item) {
      const name = resolve(item.force);
      value('--force', name, item.joined);
      expected.force.push(name);
      if (!isEntryName(name)) expected.usage = true;
    } else {
      argv.push(item.junk);
      if (item.junk === '--help' && !optionsEnded) expected.help = true;
      optionsEnded ||= item.junk === '--';
      // `--` ends the options: harmless last, a usage error before more words. `-` is a positional.
      if (item.junk !== '--' || index < groups.length - 1) expected.usage = true;
    }
  });
  return { argv, expected };
}

describe('the command line, in-process, on real files', () => {
  it('clean with any argv removes exactly what its options allow, or nothing; never anything outside the directory', async () => {
    await fc.assert(
      fc.asyncProperty(
        fixtureSpecs(8),
        // Mostly with --yes first, so that most runs get as far as removing.
        fc
          .tuple(
            fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, fc.constant(false)),
            fc.array(group, { maxLength: 5 }),
          )
          .map(([yes, rest]): Group[] => (yes ? [{ flag: '--yes' }, ...rest] : rest)),
        fc.constantFrom(null, true, false),
        fc.boolean(),
        async (specs, groups, confirm, outIsTerminal) => {
          try {
            const fixture = world.build(specs);
            const before = snapshot(world);
            const present = new Set(before.scratch.keys());
            const { argv, expected } = render(groups, (pick) => resolveName(pick, world, fixture));
            const { io, out, err, asked } = recordingIo(confirm, outIsTerminal);
            const code = await runCli(argv, io);

            const options = {
              includeZombie: expected.includeZombie,
              includeReused: expected.includeReused,
              force: expected.force,
            };
            const planned = expectedRemovals(fixture, present, options);
            const missing = expected.force.filter((name) => !present.has(name));
            const executes =
              !expected.help &&
              !expected.usage &&
              !expected.dryRun &&
              (planned.length === 0 || expected.yes || confirm === true);
            const removes = executes ? planned : [];
            const { gone } = checkAfterRun(world, before, (name) => removes.includes(name));
            expect(gone).toEqual(removes);

            if (expected.help) {
              expect(code).toBe(0);
              expect(out.join('\n')).toMatch(/^Usage: shm-inspector clean /);
              return;
            }
            if (expected.usage) {
              expect(code).toBe(EXIT_USAGE);
              expect(err.join('\n')).toMatch(/^shm-inspector clean: /);
              return;
            }
            if (!expected.dryRun && planned.length > 0 && !expected.yes) {
              if (confirm === null) {
                expect(code).toBe(EXIT_USAGE);
                expect(err.join('\n')).toContain('pass --yes');
                return;
              }
              expect(asked).toHaveLength(1);
              if (!confirm) {
                expect(code).toBe(EXIT_OK);
                expect(err.at(-1)).toBe('Nothing removed.');
                return;
              }
            } else {
              expect(asked).toEqual([]);
            }
            expect(code).toBe(missing.length > 0 ? EXIT_FAILED : EXIT_OK);
            if (expected.json) {
              expect(out).toHaveLength(1);
              const result = JSON.parse(out[0] ?? '') as CleanupResult;
              expect(result.dryRun).toBe(expected.dryRun);
              expect(names(result.removed)).toEqual(planned);
              expect(result.failed.map((item) => item.name)).toEqual(missing);
              expect(result.failed.every((item) => item.code === 'ENOENT')).toBe(true);
            }
          } finally {
            world.reset();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  const sizeText = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 70_000 }).map(String) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 1024 }), fc.constantFrom('k', 'K', 'kb', 'KB', 'kib', 'KiB', 'b', 'B'))
        .map(([count, unit]) => `${count}${unit}`),
    },
    fc.constantFrom(
      '1',
      '4096',
      '64KiB',
      '64k',
      '1MiB',
      '1.5KiB',
      '1.5KB',
      ' 10 kib ',
      '0',
      '-1',
      '1.5',
      '1e3',
      '0x10',
      'NaN',
      'Infinity',
      '',
      '1GiB',
      '1.0000001GiB',
      '1073741825',
      '2GiB',
      '99999999999999999999',
      '\u0663',
      '64XB',
    ),
    fc
      .tuple(
        fc.nat({ max: 70_000 }),
        fc.option(fc.nat({ max: 999 }), { nil: undefined }),
        fc.constantFrom('', 'b', 'B', 'k', 'K', 'kb', 'KB', 'kib', 'KiB', 'm', 'MB', 'MiB', 'g', 'GB', 'GiB', 'TiB'),
      )
      .map(([whole, fraction, unit]) => `${whole}${fraction === undefined ? '' : `.${fraction}`}${unit}`),
  );
  const modeText = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('0600', '0700', '0777', '0640', '600', '0o700', '0O777', ' 0700 ') },
    { weight: 2, arbitrary: fc.integer({ min: 0o600, max: 0o777 }).map((mode) => `0${mode.toString(8)}`) },
    fc.constantFrom(
      '0577',
      '0500',
      '01700',
      '4777',
      '07777',
      '1000',
      '0',
      '0800',
      '-0700',
      '0x1ff',
      '',
      'rwx',
      '777777',
    ),
    fc.integer({ min: 0, max: 0o7777 }).map((mode) => mode.toString(8)),
  );
  const pidText = fc.oneof(
    { weight: 3, arbitrary: fc.constant('self') },
    { weight: 2, arbitrary: fc.constantFrom('1', '0', '-1', '1.5', '4194304', '4194305', '99999999999999999999', 'x') },
  );

  it('create with any size, mode and marker text makes exactly the segment the limits allow in the directory, or nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(sizeText, { nil: undefined, freq: 10 }),
        fc.option(modeText, { nil: undefined }),
        fc.option(pidText, { nil: undefined }),
        fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        fc.boolean(),
        fc.boolean(),
        async (size, mode, pid, memfd, holdZero, json) => {
          // Valid sizes above 1 MiB are left out: the segment would really take that much memory.
          const parsedSize = size === undefined ? null : parseByteSize(size);
          fc.pre(parsedSize === null || parsedSize <= 1024 * 1024 || parsedSize > 1024 ** 3);
          try {
            const before = snapshot(world);
            const pidWord = pid === 'self' ? String(process.pid) : pid;
            const argv = ['create', `--dir=${world.scratch}`];
            if (size !== undefined) argv.push(`--size=${size}`);
            if (mode !== undefined) argv.push(`--mode=${mode}`);
            if (pidWord !== undefined) argv.push(`--marker-pid=${pidWord}`);
            if (memfd) argv.push('--memfd');
            if (holdZero) argv.push('--hold', '0');
            if (json) argv.push('--json');
            const { io, out } = recordingIo(null, false);
            const code = await runCli(argv, io);

            // The documented limits, checked without the engine's own limit functions.
            const dataSize = parsedSize;
            const fileMode = mode === undefined ? 0o700 : parseMode(mode);
            const markerPid = pidWord === undefined ? process.pid : parseWholeNumber(pidWord);
            const valid =
              dataSize !== null &&
              Number.isInteger(dataSize) &&
              dataSize > 0 &&
              dataSize <= 1024 ** 3 &&
              fileMode !== null &&
              fileMode >= 0o600 &&
              fileMode <= 0o777 &&
              markerPid !== null &&
              markerPid >= 1 &&
              markerPid <= 4_194_304 &&
              !memfd;
            const made = readdirSync(world.scratch);
            const { added } = checkAfterRun(
              world,
              before,
              () => false,
              () => valid,
            );
            if (!valid) {
              expect(code).toBe(EXIT_USAGE);
              expect(made).toEqual([]);
              return;
            }
            expect(code).toBe(EXIT_OK);
            expect(added).toHaveLength(1);
            const name = added[0] ?? '';
            expect(isPulseName(name)).toBe(true);
            const file = path.join(world.scratch, name);
            const stats = statSync(file);
            expect(stats.size).toBe((dataSize ?? 0) + 40);
            expect(stats.mode & 0o7777).toBe(fileMode);
            const tail = readTail(file);
            expect(tail.readUInt32LE(0)).toBe(0xbeefcafe);
            expect(tail.readInt32LE(4)).toBe(markerPid);
            if (json) {
              expect(JSON.parse(out[0] ?? '')).toMatchObject({
                kind: 'posix',
                name,
                path: file,
                dataSize,
                fileSize: (dataSize ?? 0) + 40,
                mode: fileMode,
                markerPid,
              });
            }
          } finally {
            world.reset();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
