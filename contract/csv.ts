// One CSV field as every face writes it (RFC 4180): the core's runs list and the renderer's
// comparison share it, so both quote and neutralise text the same way.

/** Quotes fields that need it; neutralises text a spreadsheet would run as a formula; null is empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
