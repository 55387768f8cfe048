// Native dialogs, opened by the main process for the menu and for the contract's
// dialogs.* calls. The page names a purpose and receives a path (or null); Electron's
// `dialog` never crosses the bridge.
import type { MessageBoxOptions, OpenDialogOptions } from 'electron';

/** The slice of Electron's `dialog` module used here (a test double can stand in for it). */
export interface DialogModule<W> {
  showOpenDialog(window: W, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showMessageBox(window: W, options: MessageBoxOptions): Promise<unknown>;
}

export type FolderPurpose = 'dataset' | 'export';

const folderDialogs: Record<FolderPurpose, OpenDialogOptions> = {
  dataset: {
    title: 'Import dataset',
    buttonLabel: 'Import',
    message: 'Choose a folder with one sub-folder of images per class',
    properties: ['openDirectory'],
  },
  export: {
    title: 'Export model',
    buttonLabel: 'Export here',
    message: 'Choose the folder to write model.json and its weights to',
    properties: ['openDirectory', 'createDirectory'],
  },
};

/** Asks for a folder; null when the user cancels. */
export async function chooseFolder<W>(dialog: DialogModule<W>, window: W, purpose: FolderPurpose): Promise<string | null> {
  const answer = await dialog.showOpenDialog(window, folderDialogs[purpose]);
  return answer.canceled || answer.filePaths.length === 0 ? null : answer.filePaths[0];
}

export async function showInfo<W>(dialog: DialogModule<W>, window: W, message: string, detail?: string): Promise<void> {
  await dialog.showMessageBox(window, { type: 'info', title: 'Transfer Lab', message, detail, buttons: ['OK'] });
}

export async function showError<W>(dialog: DialogModule<W>, window: W, message: string, detail?: string): Promise<void> {
  await dialog.showMessageBox(window, { type: 'error', title: 'Transfer Lab', message, detail, buttons: ['OK'] });
}

export type FileKind = 'csv' | 'idx' | 'spec' | 'model';

const fileDialogs: Record<FileKind, OpenDialogOptions> = {
  csv: { title: 'Choose a CSV file', filters: [{ name: 'CSV', extensions: ['csv'] }], properties: ['openFile'] },
  idx: { title: 'Choose an IDX file', filters: [{ name: 'IDX', extensions: ['gz', 'idx3-ubyte', 'idx1-ubyte', 'ubyte'] }, { name: 'All files', extensions: ['*'] }], properties: ['openFile'] },
  spec: { title: 'Open an experiment spec', filters: [{ name: 'Experiment spec', extensions: ['json'] }], properties: ['openFile'] },
  model: { title: 'Choose a TF.js model', filters: [{ name: 'TF.js layers model', extensions: ['json'] }], properties: ['openFile'] },
};

/** Asks for one file; null when the user cancels. */
export async function chooseFile<W>(dialog: DialogModule<W>, window: W, kind: FileKind): Promise<string | null> {
  const answer = await dialog.showOpenDialog(window, fileDialogs[kind]);
  return answer.canceled || answer.filePaths.length === 0 ? null : answer.filePaths[0];
}
