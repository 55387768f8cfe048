// Class names compare and sort the same on every machine. macOS stores file names decomposed
// (NFD: "é" as "e" + a combining accent) while specs, CSV files and Windows and Linux folders
// hold them composed (NFC), so every class name is normalised to NFC where it is read. The
// order is by UTF-16 code units, never by the user's locale, so class indices (and with them
// saved models) do not depend on the machine's language settings.

export function normalizeClassName(name: string): string {
  return name.normalize('NFC');
}

/** Code-unit order of NFC names: locale-independent, the same everywhere. */
export function compareClassNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
