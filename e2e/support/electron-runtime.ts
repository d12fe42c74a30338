/**
 * Finds an Electron runtime the way scripts/start.js does (scripts/electron-runtime.js),
 * and proves it is a real one before anything launches it: `_electron.launch` on a
 * missing or stand-in binary fails with an uncaught error instead of a test result.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { findElectronBinary } from '../../scripts/electron-runtime';
import { REPO_ROOT } from './paths';

export type ElectronRuntime = { found: true; binary: string; version: string } | { found: false; reason: string };

/** The Electron binary to test with, or why there is none. */
export function findElectron(): ElectronRuntime {
  const found = findElectronBinary(REPO_ROOT);
  if ('reason' in found) return { found: false, reason: found.reason };
  try {
    accessSync(found.binary, constants.X_OK);
  } catch {
    return { found: false, reason: `${found.binary} is not executable` };
  }
  // Run as Node, a real Electron names its version; a stand-in does not.
  const probe = spawnSync(found.binary, ['-p', 'process.versions.electron'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const version = probe.stdout?.trim() ?? '';
  if (probe.status !== 0 || !/^\d+\.\d+\.\d+/.test(version)) {
    return { found: false, reason: `${found.binary} does not run as Electron (status ${probe.status}, "${version}")` };
  }
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { found: false, reason: `Electron ${version} is there but no display is (run under xvfb-run -a)` };
  }
  return { found: true, binary: found.binary, version };
}
