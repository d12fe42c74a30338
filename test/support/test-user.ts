import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A real unprivileged user made for a test, with a data directory of its own for the audit log. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  /** XDG_DATA_HOME for the user's runs: a scratch directory it owns. */
  dataHome: string;
  /** The argv that runs `cmd` as this user (runuser: its own uid, gid and groups, no capabilities). */
  argv(cmd: readonly string[]): string[];
  remove(): void;
}

function id(flag: '-u' | '-g', name: string): number {
  const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`id ${flag} ${name}: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** Creates a system user with no home and no login shell (useradd; needs root). */
export function createTestUser(): TestUser {
  const name = `shmi-t${process.pid % 100000}-${randomInt(0, 1e6)}`;
  const made = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name],
    {
      encoding: 'utf8',
    },
  );
  if (made.status !== 0) throw new Error(`useradd ${name}: ${made.stderr}`);
  const uid = id('-u', name);
  const gid = id('-g', name);
  const dataHome = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-user-data-'));
  chownSync(dataHome, uid, gid);
  chmodSync(dataHome, 0o700);
  return {
    name,
    uid,
    gid,
    dataHome,
    argv: (cmd) => ['runuser', '-u', name, '--', 'env', `XDG_DATA_HOME=${dataHome}`, ...cmd],
    remove() {
      rmSync(dataHome, { recursive: true, force: true });
      spawnSync('userdel', [name]);
    },
  };
}
