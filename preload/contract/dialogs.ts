// PROPOSAL (not wired into `methods`; the contract's owner decides): native dialogs the
// renderer could ask the desktop app for. The page never gets Electron's `dialog`; it asks
// for a purpose and receives a path the user chose (or null). Browser mode would answer
// { path: null } or 'not-supported', and the renderer would fall back to a text field.
// Paths that reach models.export or a folder dataset would then come from a native dialog
// rather than from text the page made up.
import { z } from 'zod';

export const dialogMethods = {
  /** A folder: a dataset folder (one sub-folder per class) or where to export a model. */
  'dialogs.openFolder': {
    args: z.object({ purpose: z.enum(['dataset', 'export']) }).strict(),
    result: z.object({ path: z.string().nullable() }),
  },
  /** One data file: CSV, IDX (.gz or not), or an experiment spec (.json). */
  'dialogs.openFile': {
    args: z.object({ kind: z.enum(['csv', 'idx', 'spec']) }).strict(),
    result: z.object({ path: z.string().nullable() }),
  },
  /** Where to save a file the core produced (runs CSV, run bundle); the core writes it. */
  'dialogs.saveFile': {
    args: z.object({ suggestedName: z.string().min(1).max(255), kind: z.enum(['csv', 'json']) }).strict(),
    result: z.object({ path: z.string().nullable() }),
  },
} as const;
