import { readFileSync, writeFileSync } from 'node:fs';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 800 };

/** The window's last size and position, or the default when none was saved or the file is damaged. */
export function loadBounds(file: string): WindowBounds {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowBounds>;
    const whole = (value: unknown): value is number => Number.isInteger(value);
    if (!whole(saved.width) || !whole(saved.height) || saved.width < 400 || saved.height < 300) return DEFAULT_BOUNDS;
    const bounds: WindowBounds = { width: saved.width, height: saved.height };
    if (whole(saved.x) && whole(saved.y)) Object.assign(bounds, { x: saved.x, y: saved.y });
    return bounds;
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export function saveBounds(file: string, bounds: WindowBounds): void {
  writeFileSync(file, JSON.stringify(bounds));
}
