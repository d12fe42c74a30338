import { printableName } from './printable';

/** Renders rows as left-aligned columns, one line each, every cell printable; the last column is left unpadded. */
export function renderTable(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows].map((row) => row.map(printableName));
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
