// Native dialogs, called only by the main process (the menu). The page cannot open them:
// there is no contract method for it yet (preload/contract/dialogs.ts proposes one), and
// Electron's `dialog` never crosses the bridge.
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
