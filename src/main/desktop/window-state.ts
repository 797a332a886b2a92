/**
 * Remembering the window's size and place (preferences.window), as pure decisions: where to
 * open it given the saved bounds and today's displays, and what to save from the window.
 */
import type { Rectangle } from 'electron';
import type { Preferences } from '../../shared/settings';
import type { WindowPlacement } from './security';

export type SavedBounds = NonNullable<Preferences['window']>;

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
/** The schema's limits (settings.ts WindowBoundsSchema). */
const MIN = { width: 400, height: 300 } as const;
const MAX = 10_000;
/** How much of the window must be on a display for the saved place to be used. */
const MIN_VISIBLE = 64;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Where to open the window: the saved place when enough of it is on a display today (a monitor
 * may have been unplugged), else the saved size centred by the OS, never larger than the largest
 * display.
 */
export function placementFor(
  saved: SavedBounds | undefined,
  workAreas: readonly Rectangle[],
): WindowPlacement & { maximized: boolean } {
  const largest = workAreas.reduce<Rectangle | null>(
    (best, area) => (!best || area.width * area.height > best.width * best.height ? area : best),
    null,
  );
  const fit = (size: { width: number; height: number }) => ({
    width: Math.min(size.width, largest?.width ?? size.width),
    height: Math.min(size.height, largest?.height ?? size.height),
  });
  if (!saved) return { ...fit(DEFAULT_SIZE), maximized: false };
  const size = fit(saved);
  if (saved.x !== undefined && saved.y !== undefined) {
    const rect = { x: saved.x, y: saved.y, ...size };
    const visible = workAreas.some((area) => {
      const o = overlap(rect, area);
      return o.width >= MIN_VISIBLE && o.height >= MIN_VISIBLE;
    });
    if (visible) return { ...rect, maximized: saved.maximized };
  }
  return { ...size, maximized: saved.maximized };
}

/** What to save: the normal (unmaximised) bounds, rounded and kept within the schema's limits. */
export function boundsToSave(normal: Rectangle, maximized: boolean): SavedBounds {
  const clamp = (n: number, min: number) => Math.max(min, Math.min(MAX, Math.round(n)));
  return {
    x: Math.round(normal.x),
    y: Math.round(normal.y),
    width: clamp(normal.width, MIN.width),
    height: clamp(normal.height, MIN.height),
    maximized,
  };
}

/** True when two saved bounds differ (saves are skipped otherwise). */
export function boundsChanged(a: SavedBounds | undefined, b: SavedBounds): boolean {
  return (
    !a ||
    a.x !== b.x ||
    a.y !== b.y ||
    a.width !== b.width ||
    a.height !== b.height ||
    a.maximized !== b.maximized
  );
}
