// The person's preferences, kept in this browser profile (localStorage): the colour theme,
// applied to the whole app at once, and the backend and training threads new experiments
// start with. They take effect immediately; a bad stored value falls back to the default.
import { backendNames } from '@contract/spec';

export const PREFERENCES_KEY = 'transfer-lab.preferences.v1';
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export type BackendPreference = (typeof backendNames)[number];

export interface Preferences {
  theme: Theme;
  backend: BackendPreference;
  /** Training threads for new experiments; null: every core (the app's default). */
  trainingThreads: number | null;
}

/** A whole number of threads from 1 to 64, or null. */
function threadsOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 64 ? value : null;
}

export function parsePreferences(text: string | null): Preferences {
  const fallback: Preferences = { theme: 'system', backend: 'auto', trainingThreads: null };
  try {
    const value = JSON.parse(text ?? '{}') as Partial<Record<keyof Preferences, unknown>>;
    return {
      theme: THEMES.includes(value.theme as Theme) ? (value.theme as Theme) : fallback.theme,
      backend: backendNames.includes(value.backend as BackendPreference) ? (value.backend as BackendPreference) : fallback.backend,
      trainingThreads: threadsOrNull(value.trainingThreads),
    };
  } catch {
    return fallback;
  }
}

function read(): Preferences {
  try {
    return parsePreferences(localStorage.getItem(PREFERENCES_KEY));
  } catch {
    return parsePreferences(null);
  }
}

/** 'system' follows the operating system (app.css's media query); the others override it. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') {
    delete root.dataset.theme;
    root.style.colorScheme = '';
  } else {
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  }
}

class PreferencesState {
  value = $state<Preferences>(read());

  constructor() {
    applyTheme(this.value.theme);
  }

  set<K extends keyof Preferences>(key: K, next: Preferences[K]): void {
    this.value[key] = next;
    if (key === 'theme') applyTheme(next as Theme);
    try {
      localStorage.setItem(PREFERENCES_KEY, JSON.stringify(this.value));
    } catch {
      // Without storage the choice lasts for this session only.
    }
  }
}

export const preferences = new PreferencesState();
