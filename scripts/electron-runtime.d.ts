// Types of electron-runtime.js, for the e2e suite that finds Electron the way `npm start` does.
export type ElectronBinary =
  | { binary: string }
  | { reason: string; installable: false }
  | { reason: string; installable: true; packageDir: string };

export function findElectronBinary(root: string): ElectronBinary;

export function installElectron(packageDir: string): string | null;
