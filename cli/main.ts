import { EngineError } from '../core/engine-error';
import { isTerminal } from '../core/terminal';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Io } from './cli-error';
import { processArgs } from './exact-argv';
import { visibleJson } from '../protocol/visible-text';
import { printable, printableLines } from './printable';
import { version } from './version';
import { writeJsonLine, writeLine } from './write-line';

/** Each command's synopsis and what it does, as `--help` and `<command> --help` print them. */
const HELP: Record<string, string> = {
  scan: `scan   [--dir D] [--json] [--all]
         List the segments in the shm directory (default /dev/shm) with their marker,
         owner, holders and state. --all includes entries that are not PulseAudio's.`,
  clean: `clean  [--dir D] [--dry-run] [--include zombie,reused] [--force NAME]... [--yes] [--json] [--all]
         Remove stale segments. Without --yes on a terminal it shows the plan and asks.`,
  create: `create --size BYTES|64MiB [--mode 0700] [--memfd] [--hold SECONDS] [--marker-pid PID] [--dir D] [--json]
         Create a segment as PulseAudio does; --hold keeps this process (its owner) alive.`,
  lab: `lab pool --slots N [--allocated K] [--freed F] [--memfd] [--seconds S] [--keep] [--dir D] [--json]
         A PulseAudio-style pool whose first K slots are in use and next F freed.
  lab srbchannel --rate BYTES_PER_S [--seconds S] [--memfd] [--keep] [--dir D] [--json]
         A read-write pool with an srbchannel whose two ends move that many bytes per second.
  lab stale [--dir D] [--json]
         A segment whose marker names a process that has exited: stale, for the cleaner to find.
         Pools and srbchannels last until Ctrl-C (or S seconds), then are removed, unless
         --keep leaves them behind (then stale).`,
  serve: `serve  [--port 7325] [--host 127.0.0.1] [--read-only] [--allow-remote] [--dir D] [--static-dir D] [--smoke]
         [--history-ms 5000]
         Serve the app to a browser on this machine (the URL carries a per-run token) until
         Ctrl-C. --read-only refuses create, clean and the lab; another --host needs --allow-remote.
         --smoke checks the host as a browser would, prints one line and exits. --history-ms
         sets how often the history sparklines take a point (100 to 60000 ms).`,
};

const EXIT_CODES = 'Exit codes: 0 done, 1 something failed, 2 usage error.';

export const USAGE = `Usage: shm-inspector <command> [options]

Commands:
${Object.values(HELP)
  .map((text) => `  ${text}`)
  .join('\n')}

Run "shm-inspector <command> --help" for one command, "shm-inspector --version" for the version.
${EXIT_CODES}`;

/** One command's help. */
export function commandHelp(command: string): string {
  return `Usage: shm-inspector ${HELP[command] ?? ''}\n\n${EXIT_CODES}`;
}

const isHelpFlag = (arg: string): boolean => arg === '--help' || arg === '-h';

/**
 * Whether a command's arguments ask for its help: `--help` anywhere before a `--` (no
 * option's value can be it), `-h` only first (it could be a value elsewhere).
 */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  return options.includes('--help') || (options[0] !== undefined && isHelpFlag(options[0]));
}

type Command = (args: string[], io: Io) => number | Promise<number>;

/** Loaded on demand: the request schemas (zod) cost more start-up time than a whole scan. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => (await import('./scan-command')).scanCommand,
  clean: async () => (await import('./clean-command')).cleanCommand,
  create: async () => (await import('./create-command')).createCommand,
  lab: async () => (await import('./lab-command')).labCommand,
  serve: async () => (await import('./serve-command')).serveCommand,
};

/** Runs one command line; every failure becomes a message and an exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--version' || command === '-V') {
    io.out(`shm-inspector ${version()}`);
    return EXIT_OK;
  }
  if (command === 'help' && args[0] !== undefined && Object.hasOwn(HELP, args[0])) {
    io.out(commandHelp(args[0]));
    return EXIT_OK;
  }
  if (command === undefined || command === 'help' || isHelpFlag(command)) {
    io.out(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  // `lab` takes its subcommand first: `lab pool -h` asks too.
  if (load && (asksForHelp(args) || (command === 'lab' && asksForHelp(args.slice(1))))) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  if (!load) {
    io.err(`shm-inspector: unknown command "${command}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    const run = await load();
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // Node's parseArgs explains in several lines: each is printed as a line of its own.
      const [first = '', ...more] = (error as Error).message.split('\n');
      const lines = [`shm-inspector ${command}: ${first}`, ...more.map((line) => `  ${line}`)];
      io.err(`${printableLines(lines)}\nRun "shm-inspector ${command} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (error instanceof EngineError) {
      io.err(`shm-inspector ${command}: ${error.code}: ${printable(error.message)}`);
      return error.code === 'EINVAL' ? EXIT_USAGE : EXIT_FAILED;
    }
    const { code, message } = error as { code?: string; message?: string };
    if (code && message) {
      io.err(`shm-inspector ${command}: ${printable(message)}`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

/** Loaded on demand, as the commands are: readline loads Node's stream stack. */
async function terminalConfirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  return prompt.question(question).then(
    (answer) => {
      prompt.close();
      return /^y(es)?$/i.test(answer.trim());
    },
    () => false,
  );
}

/** This process's terminal and standard streams; what a command does not use is never set up. */
export function processIo(): Io {
  return {
    out: (text) => writeLine(1, text),
    err: (text) => writeLine(2, text),
    json: (value) =>
      isTerminal(1) ? writeLine(1, visibleJson(JSON.stringify(value, null, 2))) : writeJsonLine(1, value),
    get confirm() {
      return isTerminal(0) && isTerminal(2) ? terminalConfirm : null;
    },
  };
}

/**
 * The process entry: runs argv, then exits with its code at once. A command's promise
 * resolves only when its work is done (a server closed, a lab stopped, a hold over), and
 * all output is written synchronously (writeLine; on Linux even console output to a
 * pipe, file or terminal is), so nothing is cut short. A natural exit would first tear
 * down the whole heap, about a tenth of a short command's run.
 */
export function main(argv?: string[]): void {
  let args: string[];
  try {
    args = argv ?? processArgs();
  } catch (error) {
    writeLine(2, `shm-inspector: ${printable((error as Error).message)}`);
    process.exit(EXIT_USAGE);
  }
  runCli(args, processIo()).then(
    (code) => process.exit(code),
    (error: unknown) => {
      writeLine(2, `shm-inspector: unexpected error: ${(error as Error).stack ?? String(error)}`);
      process.exit(EXIT_FAILED);
    },
  );
}
