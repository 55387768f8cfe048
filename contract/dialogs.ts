// Native dialogs the renderer may ask the desktop app for. The page never gets Electron's
// `dialog`: it names a purpose and receives the path the user chose, or null. Browser mode
// has no native dialogs and answers { path: null, supported: false }; the renderer then
// lets the user type or paste a path on the server's disk.
import { z } from 'zod';

const dialogResult = z.object({ path: z.string().nullable(), supported: z.boolean() });

export const dialogMethods = {
  /** A folder: a dataset folder (one sub-folder per class) or where to export a model. */
  'dialogs.openFolder': {
    args: z.object({ purpose: z.enum(['dataset', 'export']) }).strict(),
    result: dialogResult,
  },
  /** One file: CSV, IDX (.gz or not), an experiment spec, or a TF.js model.json. */
  'dialogs.openFile': {
    args: z.object({ kind: z.enum(['csv', 'idx', 'spec', 'model']) }).strict(),
    result: dialogResult,
  },
  /**
   * Shows the data folder in the system's file manager (Settings' "Open"). Browser mode
   * cannot open a window on the server's desktop: { opened: false, supported: false }.
   * `problem` is the file manager's reason when it could not open the folder.
   */
  'dialogs.showDataFolder': {
    args: z.object({}).strict(),
    result: z.object({ opened: z.boolean(), supported: z.boolean(), problem: z.string().nullable() }),
  },
} as const;
