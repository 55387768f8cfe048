// The checks that keep a path inside a folder, under each platform's rules: path.win32 on
// Linux stands in for Windows (drive letters, backslashes, case-insensitive names), so the
// Windows cases run everywhere, not only on a Windows machine.
import { describe, expect, it } from 'vitest';
import { isWithinFolder } from '../../main/folder-containment';
import { weightsFileInFolder } from '../../main/engine/model/io';

describe('isWithinFolder', () => {
  it('Windows: ignores case and accepts either slash, refuses other drives and siblings', () => {
    const root = 'C:\\Users\\Ada\\AppData\\Roaming\\Transfer Lab\\runs';
    expect(isWithinFolder(root, 'c:\\users\\ada\\appdata\\roaming\\transfer lab\\RUNS\\r1', 'win32')).toBe(true);
    expect(isWithinFolder(root, 'C:/Users/Ada/AppData/Roaming/Transfer Lab/runs/r1/last', 'win32')).toBe(true);
    expect(isWithinFolder(root, root.toUpperCase(), 'win32')).toBe(true);
    expect(isWithinFolder(root, 'D:\\Users\\Ada\\AppData\\Roaming\\Transfer Lab\\runs\\r1', 'win32')).toBe(false);
    expect(isWithinFolder(root, 'C:\\Users\\Ada\\AppData\\Roaming\\Transfer Lab\\runs-old\\r1', 'win32')).toBe(false);
    expect(isWithinFolder(root, `${root}\\..\\secret`, 'win32')).toBe(false);
  });

  it('macOS: ignores case and Unicode form (APFS), Linux compares exactly', () => {
    const root = '/Users/ada/Library/Application Support/Transfer Lab/runs';
    expect(isWithinFolder(root, '/users/ADA/library/application support/transfer lab/runs/r1', 'darwin')).toBe(true);
    expect(isWithinFolder('/data/caf\u00e9', '/data/cafe\u0301/r1', 'darwin')).toBe(true);
    expect(isWithinFolder('/home/ada/runs', '/home/ada/Runs/r1', 'linux')).toBe(false);
    expect(isWithinFolder('/home/ada/runs', '/home/ada/runs/r1', 'linux')).toBe(true);
    expect(isWithinFolder('/home/ada/runs', '/home/ada/runs2', 'linux')).toBe(false);
    expect(isWithinFolder('/', '/anything', 'linux')).toBe(true);
  });
});

describe('weightsFileInFolder (a model.json naming its weights files)', () => {
  it('Windows: refuses drive-relative D:x, absolute and root-relative paths, and .. in either slash', () => {
    const folder = 'C:\\models\\mine';
    for (const listed of ['D:x.bin', 'd:..\\x.bin', 'C:x.bin', 'C:\\models\\other\\x.bin', '\\x.bin', '/x.bin', '..\\x.bin', 'a/../../x.bin', '..', '']) {
      expect(weightsFileInFolder(folder, listed, 'win32'), listed).toBeNull();
    }
    expect(weightsFileInFolder(folder, 'group1-shard1of2.bin', 'win32')).toBe('C:\\models\\mine\\group1-shard1of2.bin');
    expect(weightsFileInFolder(folder, 'shards/part 1.bin', 'win32')).toBe('C:\\models\\mine\\shards\\part 1.bin');
    expect(weightsFileInFolder(folder, '..weights.bin', 'win32')).toBe('C:\\models\\mine\\..weights.bin');
  });

  it('Linux and macOS refuse the same forms, so a model.json behaves alike everywhere', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      for (const listed of ['D:x.bin', '/etc/passwd', '\\x.bin', '../x.bin', 'a\\..\\..\\x.bin']) {
        expect(weightsFileInFolder('/models/mine', listed, platform), `${platform} ${listed}`).toBeNull();
      }
      expect(weightsFileInFolder('/models/mine', 'shards/w.bin', platform)).toBe('/models/mine/shards/w.bin');
    }
  });
});
