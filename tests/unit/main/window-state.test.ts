import { describe, expect, it } from 'vitest';
import { WindowBoundsSchema } from '../../../src/shared/settings';
import {
  boundsChanged,
  boundsToSave,
  DEFAULT_SIZE,
  placementFor,
} from '../../../src/main/desktop/window-state';

const ONE_SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const TWO_SCREENS = [...ONE_SCREEN, { x: 1920, y: 0, width: 2560, height: 1440 }];

describe('placementFor', () => {
  it.each([
    [
      'first start: default size, centred by the OS',
      undefined,
      ONE_SCREEN,
      { ...DEFAULT_SIZE, maximized: false },
    ],
    [
      'saved place on a screen',
      { x: 100, y: 50, width: 1000, height: 700, maximized: false },
      ONE_SCREEN,
      { x: 100, y: 50, width: 1000, height: 700, maximized: false },
    ],
    [
      'saved place on the second screen',
      { x: 2000, y: 100, width: 1400, height: 900, maximized: true },
      TWO_SCREENS,
      { x: 2000, y: 100, width: 1400, height: 900, maximized: true },
    ],
    [
      'the second screen was unplugged: size kept, place dropped',
      { x: 2000, y: 100, width: 1400, height: 900, maximized: false },
      ONE_SCREEN,
      { width: 1400, height: 900, maximized: false },
    ],
    [
      'barely visible corner counts as off-screen',
      { x: 1900, y: 1060, width: 800, height: 600, maximized: false },
      ONE_SCREEN,
      { width: 800, height: 600, maximized: false },
    ],
    [
      "larger than today's largest screen is shrunk",
      { width: 3000, height: 2000, maximized: false },
      ONE_SCREEN,
      { width: 1920, height: 1080, maximized: false },
    ],
  ])('%s', (_name, saved, areas, expected) => {
    expect(placementFor(saved, areas)).toEqual(expected);
  });
});

describe('boundsToSave', () => {
  it('rounds and keeps within the schema', () => {
    const saved = boundsToSave({ x: 10.4, y: -20.6, width: 100, height: 20_000 }, true);
    expect(saved).toEqual({ x: 10, y: -21, width: 400, height: 10_000, maximized: true });
    expect(WindowBoundsSchema.safeParse(saved).success).toBe(true);
  });

  it('notices a change', () => {
    const a = boundsToSave({ x: 0, y: 0, width: 800, height: 600 }, false);
    expect(boundsChanged(undefined, a)).toBe(true);
    expect(boundsChanged(a, { ...a })).toBe(false);
    expect(boundsChanged(a, { ...a, maximized: true })).toBe(true);
    expect(boundsChanged(a, { ...a, x: 1 })).toBe(true);
  });
});
