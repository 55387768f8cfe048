// Settings that do something: the theme, applied to the whole page, and the backend new
// experiments start with; bad stored values fall back to the defaults.
import { describe, expect, it } from 'vitest';
import { applyTheme, parsePreferences } from '../../../renderer/src/settings/preferences.svelte';

describe('preferences', () => {
  it('reads stored preferences and falls back field by field', () => {
    expect(parsePreferences('{"theme":"dark","backend":"wasm","trainingThreads":2}')).toEqual({ theme: 'dark', backend: 'wasm', trainingThreads: 2 });
    expect(parsePreferences('{"theme":"purple","backend":"wasm"}')).toEqual({ theme: 'system', backend: 'wasm', trainingThreads: null });
    expect(parsePreferences('not json')).toEqual({ theme: 'system', backend: 'auto', trainingThreads: null });
    expect(parsePreferences(null)).toEqual({ theme: 'system', backend: 'auto', trainingThreads: null });
    for (const bad of ['0', '2.5', '65', '"4"']) {
      expect(parsePreferences(`{"trainingThreads":${bad}}`).trainingThreads).toBeNull();
    }
  });

  it('applies a chosen theme to the root, and "system" leaves it to the media query', () => {
    const root = document.createElement('html');
    applyTheme('dark', root);
    expect(root.dataset.theme).toBe('dark');
    expect(root.style.colorScheme).toBe('dark');
    applyTheme('system', root);
    expect(root.dataset.theme).toBeUndefined();
    expect(root.style.colorScheme).toBe('');
  });
});
