// A small RFC 4180 reader: comma-separated (or ';' or tab, as spreadsheets in many locales
// write them), optional double quotes ("" inside quotes is a quote), LF or CRLF line ends.
// Each row keeps the 1-based line it starts on so errors can point at it. Blank lines are skipped.
import { DatasetError } from './dataset';

export interface CsvRow {
  line: number;
  cells: string[];
}

export type CsvDelimiter = ',' | ';' | '\t';

export const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/**
 * The delimiter of the header line: whichever of comma, semicolon and tab it holds most
 * often outside quotes (comma on a tie or when it holds none, a one-column file).
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let sawText = false;
  for (const ch of text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (sawText) break;
    } else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
    if (ch.trim() !== '') sawText = true;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

export function parseCsv(text: string, file: string, delimiter: CsvDelimiter = ','): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the first name
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new DatasetError(`CSV file ${file}: line ${rowLine} opens a quote that is never closed`);
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
