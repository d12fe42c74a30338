const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses "65536", "64KiB", "64MiB", "1GiB", "1.5MB" into bytes (binary units for
 * KiB/MiB/GiB and bare K/M/G, decimal for KB/MB/GB). Returns null for anything else,
 * including fractions of a byte.
 */
export function parseByteSize(text: string): number | null {
  const match = /^\s*([0-9]+)(?:\.([0-9]+))?\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return null;
  const unit = UNITS[(match[3] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  // In whole numbers (BigInt), not floating point: 1.005 * 1000 is 1004.9999999999999.
  const fraction = match[2] ?? '';
  const scaled = BigInt(`${match[1] ?? ''}${fraction}`) * BigInt(unit);
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) return null;
  const bytes = Number(scaled / divisor);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Parses a whole number of digits only ("30"; not "-1", "1.5", "1e3" or " 3"), or null. */
export function parseWholeNumber(text: string): number | null {
  return /^[0-9]+$/.test(text) ? Number(text) : null;
}

/** Parses a file mode written in octal ("0700", "700", "0o700"), or null. */
export function parseMode(text: string): number | null {
  const match = /^\s*(?:0o?)?([0-7]{1,6})\s*$/i.exec(text);
  return match ? parseInt(match[1] ?? '', 8) : null;
}
