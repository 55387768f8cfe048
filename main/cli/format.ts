// Numbers as people read them: a unit and a sensible precision.

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')} samples/s`;
}

/** A date as "YYYY-MM-DD HH:MM" (UTC), or "–" for a value no calendar can show. */
export function formatDate(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '–';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '–' : date.toISOString().slice(0, 16).replace('T', ' ');
}

// C0 and C1 controls, DEL, and the bidirectional overrides/isolates that reorder what follows.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the database (names imported from another machine, error messages) made safe to
 * print on a terminal: escape sequences and line breaks are shown as \x1b, \n… instead of
 * being obeyed, so a name can neither recolour the screen nor forge extra lines.
 */
export function inert(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(UNSAFE_CHARACTERS, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
