// Where the desktop app keeps its database and finds its built files.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { desktopDatabaseFile, preloadFile, rendererFolder } from '../../../main/electron/app-paths';
import { defaultDataFolder } from '../../../main/store/location';

describe('desktop app paths', () => {
  it('keeps the database in userData, unless TRANSFER_LAB_HOME says otherwise', () => {
    expect(desktopDatabaseFile('/users/ada/.config/Transfer Lab', {})).toBe(path.join('/users/ada/.config/Transfer Lab', 'transfer-lab.sqlite'));
    expect(desktopDatabaseFile('/ignored', { TRANSFER_LAB_HOME: '/srv/lab' })).toBe(path.resolve('/srv/lab', 'transfer-lab.sqlite'));
    expect(desktopDatabaseFile('/users/ada/.config/Transfer Lab', { TRANSFER_LAB_HOME: '  ' })).toBe(path.join('/users/ada/.config/Transfer Lab', 'transfer-lab.sqlite'));
  });

  it("uses the same folder the CLI does when userData is Electron's default for this platform", () => {
    const home = os.homedir();
    // Electron's userData on Linux: $XDG_CONFIG_HOME or ~/.config, plus the productName.
    const electronUserData = path.join(home, '.config', 'Transfer Lab');
    if (process.platform === 'linux') {
      expect(path.dirname(desktopDatabaseFile(electronUserData, {}))).toBe(defaultDataFolder({}, 'linux', home));
    }
    const productName = JSON.parse(fs.readFileSync('package.json', 'utf8')).productName;
    expect(path.basename(defaultDataFolder({}, 'linux', home))).toBe(productName);
  });

  it('finds the preload and the renderer under dist/', () => {
    expect(preloadFile('/app')).toBe(path.join('/app', 'dist', 'preload', 'index.js'));
    expect(rendererFolder('/app')).toBe(path.join('/app', 'dist', 'renderer'));
    expect(preloadFile()).toBe(path.resolve('dist/preload/index.js'));
  });
});
