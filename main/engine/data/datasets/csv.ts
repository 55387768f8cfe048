// The 'csv' kind: a header row, one label column (named in the spec), every other column a
// numeric feature. Features are passed through as raw floats, not standardised: the same
// raw rows can then be fed at prediction time without stored statistics. Use
// standardizeFeatures (feature-scaling.ts) where a model needs zero-mean, unit-variance inputs.
// Class names are the distinct label values (Unicode NFC): numerically sorted when all are
// numbers ("2" < "10"), otherwise in code-unit order, the same on every machine.
// Files from spreadsheets: the encoding (UTF-8, UTF-16 with its byte-order mark,
// Windows-1252) and the delimiter (comma, semicolon, tab) are detected (csv-decode.ts,
// csv-format.ts) and named in the dataset's description. With semicolons, numbers may use a
// decimal comma ("1,5"), as the locales that write such files do.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './dataset';
import { DELIMITER_NAMES, detectDelimiter, parseCsv } from './csv-format';
import { decodeCsvBytes } from './csv-decode';
import { compareClassNames, normalizeClassName } from './class-names';
import { checkDataFile } from './binary-file';
import type { SourceData, SourceSplit } from './source-data';

interface CsvTable {
  file: string;
  featureNames: string[];
  features: Float32Array;
  labels: string[];
  lines: number[];
  /** How the file was read, e.g. "UTF-8, comma-separated". */
  format: string;
}

async function readCsvTable(file: string, labelColumn: string, featureNames?: string[]): Promise<CsvTable> {
  await checkDataFile(file, 'CSV file'); // a regular file within the data limit, never /dev/zero
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `CSV file not found: ${file}` : `cannot read CSV file ${file}: ${(error as Error).message}`);
  }
  const { text, encoding } = decodeCsvBytes(bytes, file);
  const delimiter = detectDelimiter(text);
  const decimalComma = delimiter === ';';
  const rows = parseCsv(text, file, delimiter);
  if (rows.length === 0) throw new DatasetError(`CSV file ${file} is empty; expected a header row and data rows`);
  const header = rows[0].cells.map((c) => c.trim().normalize('NFC'));
  const labelIndex = header.indexOf(labelColumn.normalize('NFC'));
  if (labelIndex < 0) {
    throw new DatasetError(`CSV file ${file} has no label column "${labelColumn}"; its columns are: ${header.join(', ')}`);
  }
  const names = featureNames ?? header.filter((_, i) => i !== labelIndex);
  if (names.length === 0) throw new DatasetError(`CSV file ${file} has no feature columns besides "${labelColumn}"`);
  const columnOf = names.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new DatasetError(`CSV file ${file} lacks column "${name}" that the training file has`);
    return index;
  });
  const dataRows = rows.slice(1);
  if (dataRows.length === 0) throw new DatasetError(`CSV file ${file} has a header but no data rows`);
  const features = new Float32Array(dataRows.length * names.length);
  const labels: string[] = [];
  const lines: number[] = [];
  dataRows.forEach((row, r) => {
    if (row.cells.length !== header.length) {
      throw new DatasetError(`CSV file ${file}, line ${row.line}: ${row.cells.length} values, expected ${header.length} (one per column)`);
    }
    columnOf.forEach((col, f) => {
      const raw = row.cells[col].trim();
      const value = raw === '' ? NaN : Number(decimalComma && /^[+-]?\d*,\d+(e[+-]?\d+)?$/i.test(raw) ? raw.replace(',', '.') : raw);
      if (!Number.isFinite(value)) {
        throw new DatasetError(`CSV file ${file}, line ${row.line}, column "${header[col]}": "${raw}" is not a number`);
      }
      features[r * names.length + f] = value;
    });
    const label = normalizeClassName(row.cells[labelIndex].trim());
    if (label === '') throw new DatasetError(`CSV file ${file}, line ${row.line}: the label column "${labelColumn}" is empty`);
    labels.push(label);
    lines.push(row.line);
  });
  const format = `${encoding}, ${DELIMITER_NAMES[delimiter]}-separated${decimalComma ? ', decimal commas accepted' : ''}`;
  return { file, featureNames: names, features, labels, lines, format };
}

function orderClassNames(labels: Iterable<string>): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((l) => Number.isFinite(Number(l)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort(compareClassNames);
}

function toSplit(table: CsvTable, classIndex: Map<string, number>): SourceSplit {
  const name = path.basename(table.file);
  return {
    values: table.features,
    labels: Int32Array.from(table.labels, (l) => classIndex.get(l)!),
    id: (i) => `${name}:${table.lines[i]}`,
  };
}

export async function loadCsvFiles(file: string, labelColumn: string, testFile?: string): Promise<SourceData> {
  const train = await readCsvTable(file, labelColumn);
  const test = testFile ? await readCsvTable(testFile, labelColumn, train.featureNames) : undefined;
  const classNames = orderClassNames([...train.labels, ...(test?.labels ?? [])]);
  if (classNames.length < 2) {
    throw new DatasetError(`CSV file ${file}: the label column "${labelColumn}" has only one value (${classNames[0]}); need at least two classes`);
  }
  const classIndex = new Map(classNames.map((n, i) => [n, i]));
  return {
    description: `CSV ${path.basename(file)} (${train.featureNames.length} features; ${train.format}${test && test.format !== train.format ? `; test file ${test.format}` : ''})`,
    classNames,
    shape: [train.featureNames.length],
    train: toSplit(train, classIndex),
    test: test ? toSplit(test, classIndex) : undefined,
    warnings: [],
  };
}
