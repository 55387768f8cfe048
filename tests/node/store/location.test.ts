// The default data folder matches Electron's app.getPath('userData') for "Transfer Lab" on
// each OS, TRANSFER_LAB_HOME overrides it, and createStore() uses it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, defaultDataFolder, defaultDatabasePath } from '../../../main/store';
import { removeTempFolders, tempFolder } from './temp-folder';

afterAll(removeTempFolders);

describe('defaultDataFolder', () => {
  it('follows each OS convention for application data', () => {
    expect(defaultDataFolder({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada'))
      .toBe('C:\\Users\\ada\\AppData\\Roaming\\Transfer Lab');
    expect(defaultDataFolder({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Transfer Lab');
    expect(defaultDataFolder({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Transfer Lab');
    expect(defaultDataFolder({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ada')).toBe('/xdg/Transfer Lab');
  });

  it('is overridden by TRANSFER_LAB_HOME on every OS', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      expect(defaultDataFolder({ TRANSFER_LAB_HOME: '/data/tl', APPDATA: 'x', XDG_CONFIG_HOME: 'y' }, platform, '/h'))
        .toBe(path.resolve('/data/tl'));
    }
    expect(defaultDatabasePath({ TRANSFER_LAB_HOME: '/data/tl' })).toBe(path.join(path.resolve('/data/tl'), 'transfer-lab.sqlite'));
  });
});

describe('createStore without a path', () => {
  it('opens <TRANSFER_LAB_HOME>/transfer-lab.sqlite and puts run folders under runs/', () => {
    const home = path.join(tempFolder(), 'home');
    const previous = process.env.TRANSFER_LAB_HOME;
    process.env.TRANSFER_LAB_HOME = home;
    try {
      const store = createStore();
      try {
        const experiment = store.experiments.create({ name: 'e', spec: {} });
        const run = store.runs.create({ experimentId: experiment.id, role: 'source' });
        expect(run.runDir).toBe(path.join(home, 'runs', run.id));
      } finally {
        store.close();
      }
      expect(fs.existsSync(path.join(home, 'transfer-lab.sqlite'))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.TRANSFER_LAB_HOME;
      else process.env.TRANSFER_LAB_HOME = previous;
    }
  });
});
