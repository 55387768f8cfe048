// Remembers the main window's size, position and maximized state in the data folder
// (window-state.json), so the app reopens where the user left it. The file is read as
// untrusted input: anything malformed is ignored with a note, never fatal, and a position
// that is no longer on any display (a monitor was unplugged) is dropped.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE_NAME = 'window-state.json';

const dimension = z.number().int().min(200).max(100_000);
const coordinate = z.number().int().min(-100_000).max(100_000);

const windowStateSchema = z
  .object({
    x: coordinate.optional(),
    y: coordinate.optional(),
    width: dimension,
    height: dimension,
    maximized: z.boolean(),
  })
  .strict()
  .refine((s) => (s.x === undefined) === (s.y === undefined), { message: 'x and y must be given together' });

export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: Readonly<WindowState> = Object.freeze({ width: 1280, height: 840, maximized: false });

/** Reads the saved state; a missing or invalid file gives the default and says why. */
export function readWindowState(file: string): { state: WindowState; problem?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: { ...DEFAULT_WINDOW_STATE } };
    return { state: { ...DEFAULT_WINDOW_STATE }, problem: `${file}: cannot read (${(err as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: { ...DEFAULT_WINDOW_STATE }, problem: `${file}: not valid JSON; using the default window size` };
  }
  const parsed = windowStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(file)';
    return { state: { ...DEFAULT_WINDOW_STATE }, problem: `${file}: ${field}: ${issue?.message ?? 'invalid'}; using the default window size` };
  }
  return { state: parsed.data };
}

/** Writes atomically (temp file + rename) so a crash mid-write leaves the old state. */
export function writeWindowState(file: string, state: WindowState): void {
  const valid = windowStateSchema.parse(state);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(valid, null, 2));
  fs.renameSync(temp, file);
}

/** Captures what to remember from a window: its normal (unmaximized) bounds and whether it is maximized. */
export function captureWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.max(200, Math.round(normalBounds.width)),
    height: Math.max(200, Math.round(normalBounds.height)),
    maximized,
  };
}

/** How much of the window's title bar area must be on a display for the position to be kept. */
const MIN_VISIBLE = 100;

/**
 * Fits a saved state to today's displays: the size is shrunk to the largest work area, and the
 * position is kept only if the window's top strip is visible on some display.
 */
export function fitToWorkAreas(state: WindowState, workAreas: Rect[]): WindowState {
  if (workAreas.length === 0) return state;
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const width = Math.min(state.width, maxWidth);
  const height = Math.min(state.height, maxHeight);
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;
  const { x, y } = state;
  const visible = workAreas.some((a) => {
    const overlapX = Math.min(x + width, a.x + a.width) - Math.max(x, a.x);
    const topInside = y >= a.y && y < a.y + a.height - 40;
    return overlapX >= Math.min(MIN_VISIBLE, width) && topInside;
  });
  return visible ? { ...fitted, x, y } : fitted;
}
