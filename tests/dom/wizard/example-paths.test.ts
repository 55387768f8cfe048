// Placeholders of path fields show a path in the form of the core's OS (app.info's
// platform): a Windows user is not shown /home/me/….
import { describe, expect, it } from 'vitest';
import type { TransferLabApi } from '@contract';

// The core as the renderer sees it, answering app.info as a Windows machine would. Set
// before the renderer's modules load: api.ts picks its transport when first imported.
const asked: string[] = [];
window.api = {
  call: (async (method: string) => {
    asked.push(method);
    return { result: { platform: 'win32 x64' } };
  }) as TransferLabApi['call'],
  on: () => () => undefined,
};

describe('example paths', () => {
  it('follow the style of each platform', async () => {
    const { examplePathIn, pathStyleOf } = await import('../../../renderer/src/lib/example-paths.svelte');
    expect(examplePathIn(pathStyleOf('win32 x64'), 'data', 'iris.csv')).toBe('C:\\Users\\me\\data\\iris.csv');
    expect(examplePathIn(pathStyleOf('darwin arm64'), 'models')).toBe('/Users/me/models');
    expect(examplePathIn(pathStyleOf('linux x64'), 'data', 'my-images')).toBe('/home/me/data/my-images');
  });

  it('switch to the Windows form once app.info says the core runs on Windows, asking once', async () => {
    const { examplePath } = await import('../../../renderer/src/lib/example-paths.svelte');
    expect(examplePath('data', 'iris.csv')).toBe('/home/me/data/iris.csv');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(examplePath('data', 'iris.csv')).toBe('C:\\Users\\me\\data\\iris.csv');
    expect(examplePath('models')).toBe('C:\\Users\\me\\models');
    expect(asked).toEqual(['app.info']);
  });
});
