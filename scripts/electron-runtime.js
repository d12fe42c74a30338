'use strict';
// Where the Electron binary is, found without require('electron') (which starts a
// download when the binary is missing), and Electron's own installer for when it is not
// there. Used by `npm start` and by the e2e suite.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const DEFAULT_INSTALL_TIMEOUT_S = 300;

/**
 * The Electron binary to run ({ binary }), or why there is none ({ reason }); `installable`
 * says whether Electron's installer may fetch it (not when the user named a directory of
 * their own with ELECTRON_OVERRIDE_DIST_PATH).
 */
function findElectronBinary(root) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, 'electron');
    return existsSync(binary)
      ? { binary }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH=${override} has no electron binary`, installable: false };
  }
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)', installable: false };
  }
  let relative;
  try {
    relative = readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return { reason: "Electron's installer has not fetched its binary yet", installable: true, packageDir };
  }
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary)
    ? { binary }
    : { reason: `node_modules/electron/path.txt names ${binary}, which is missing`, installable: true, packageDir };
}

/** The first line of the installer's error output that says something, shortened. */
function installerReason(stderr) {
  const line = stderr.split('\n').find((text) => /\S/.test(text) && !/^\s+at /.test(text)) ?? 'no error message';
  const reason = line.replace(/^(Type)?Error:\s*/, '').trim();
  return reason.length > 200 ? `${reason.slice(0, 197)}...` : reason;
}

/**
 * Runs Electron's own installer (node_modules/electron/install.js, which honours
 * ELECTRON_MIRROR, electron_config_cache, electron_use_remote_checksums), bounded in time
 * by SHM_INSPECTOR_ELECTRON_TIMEOUT seconds. Returns null when it installed the binary,
 * else why not, in one short line.
 */
function installElectron(packageDir) {
  const seconds = Number(process.env.SHM_INSPECTOR_ELECTRON_TIMEOUT) || DEFAULT_INSTALL_TIMEOUT_S;
  const result = spawnSync(
    process.execPath,
    // The preload makes `fetch failed` say which address and why.
    ['--require', path.join(__dirname, 'fetch-error-cause.js'), path.join(packageDir, 'install.js')],
    {
      cwd: packageDir,
      env: { ...process.env, ELECTRON_GET_NO_PROGRESS: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: seconds * 1000,
      killSignal: 'SIGKILL',
    },
  );
  if (result.error?.code === 'ETIMEDOUT') return `the download did not finish within ${seconds} s`;
  if (result.error) return result.error.message;
  if (result.status !== 0) return installerReason(result.stderr);
  return null;
}

module.exports = { findElectronBinary, installElectron };
