// The compare page's pure parts on a real comparison from the core: the metric table's
// best values, the CSV export, and the overlaid curve series.
import { afterAll, describe, expect, it } from 'vitest';
import { bestIndices, metricRows, parameterText, sameDataset } from '../../../renderer/src/compare/comparison-metrics';
import { comparisonFileName, comparisonToCsv, csvField } from '../../../renderer/src/compare/comparison-csv';
import { comparisonSeries, runLabel } from '../../../renderer/src/compare/compare-series';
import { BASELINE_GREY, distinctRunColors, runColor, RUN_PALETTE } from '../../../renderer/src/components/run-colors';
import { createComparisonFixture } from './comparison-fixture';

const fixture = createComparisonFixture();
const { comparison, ids } = fixture;
afterAll(() => fixture.store.close());

/** RFC 4180 reader, enough for the files under test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe('metric table', () => {
  const rows = metricRows(comparison.runs);
  const row = (key: string) => rows.find((r) => r.key === key)!;

  it('reads each run’s metrics in comparison order', () => {
    expect(row('test_accuracy').values).toEqual([0.81, 0.85, 0.6]);
    expect(row('test_loss').values).toEqual([0.7, 0.52, 1.25]);
    expect(row('final_loss').values).toEqual([0.7, 0.5, 1.1]);
    expect(row('final_val_accuracy').values).toEqual([0.79, 0.84, 0.58]);
    expect(row('duration_ms').values).toEqual([9000, 4000, 5000]);
  });

  it('marks the best among runs on the same data: highest accuracy, lowest loss, shortest duration', () => {
    // The target and its baseline share the target data.
    const sameData = metricRows(comparison.runs.slice(1));
    const same = (key: string) => sameData.find((r) => r.key === key)!;
    expect(same('test_accuracy').best).toEqual([0]);
    expect(same('final_loss').best).toEqual([0]);
    expect(same('duration_ms').best).toEqual([0]);
    expect(row('test_accuracy').format(0.85)).toBe('85.0 %');
    expect(row('duration_ms').format(4000)).toBe('4 s');
  });

  it('marks no best accuracy or loss across runs on different data (digits vs letters), only the duration', () => {
    expect(sameDataset(comparison.runs)).toBe(false);
    expect(row('test_accuracy').best).toEqual([]);
    expect(row('final_loss').best).toEqual([]);
    expect(row('duration_ms').best).toEqual([1]);
  });

  it('has a transfer-gain row for the fine-tuned run', () => {
    const withGain = comparison.runs.map((d) => (d.run.role === 'target' ? { ...d, run: { ...d.run, transferGain: 0.25 } } : d));
    const gain = metricRows(withGain).find((r) => r.key === 'transfer_gain')!;
    expect(gain.values).toEqual([null, 0.25, null]);
    expect(gain.format(0.25)).toBe('+25.0 points');
    // Without a recorded gain the row is left out rather than shown empty.
    expect(rows.some((r) => r.key === 'transfer_gain')).toBe(false);
  });

  it('marks ties together and nothing when fewer than two runs have a value', () => {
    expect(bestIndices([0.5, 0.9, 0.9], 'higher')).toEqual([1, 2]);
    expect(bestIndices([null, 0.9, null], 'higher')).toEqual([]);
    expect(bestIndices([3, null, 1], 'lower')).toEqual([2]);
  });

  it('shows parameter values without JSON quotes', () => {
    expect(parameterText('"adam"')).toBe('adam');
    expect(parameterText('0.001')).toBe('0.001');
    expect(parameterText('{"through":"pool1"}')).toBe('{"through":"pool1"}');
    expect(parameterText('null')).toBe('');
  });
});

describe('comparison CSV', () => {
  const text = comparisonToCsv(comparison);
  const table = parseCsv(text.slice(1));
  const [header, ...rows] = table;
  const column = (name: string) => rows.map((r) => r[header.indexOf(name)]);

  it('starts with a UTF-8 byte-order mark, so Excel shows non-ASCII names', () => {
    expect(text.startsWith('\ufeffrun_id,')).toBe(true);
  });

  it('has one row per run with identity, metrics and every parameter', () => {
    expect(rows).toHaveLength(3);
    expect(header.slice(0, 5)).toEqual(['run_id', 'name', 'experiment', 'role', 'status']);
    for (const p of comparison.parameters) expect(header).toContain(p.key);
    // Each column once: the 'role' parameter is the identity column, not repeated.
    expect(new Set(header).size).toBe(header.length);
    expect(column('run_id')).toEqual([ids.source, ids.target, ids.baseline]);
    expect(column('role')).toEqual(['source', 'target', 'baseline']);
    // The experiment name holds a comma and quotes, and survives the round trip.
    expect(column('experiment')).toEqual(['Digits, "v2"', 'Digits, "v2"', 'Digits, "v2"']);
  });

  it('writes raw numbers a spreadsheet can compute with', () => {
    expect(column('test_accuracy').map(Number)).toEqual([0.81, 0.85, 0.6]);
    expect(column('duration_ms').map(Number)).toEqual([9000, 4000, 5000]);
    expect(column('learningRate')).toEqual(['0.001', '0.0005', '0.0005']);
    expect(column('optimizer')).toEqual(['adam', 'adam', 'adam']);
    expect(column('frozenLayers')).toEqual(['', 'conv1', '']);
  });

  it('neutralises formula-like text and names the file', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(null)).toBe('');
    expect(comparisonFileName(['a', 'b'], new Date('2026-03-04T12:00:00Z'))).toBe('transfer-lab-comparison-2026-03-04-2-runs.csv');
  });
});

describe('overlaid curves', () => {
  it('draws one line per run in its own colour, the single baseline grey', () => {
    const series = comparisonSeries(comparison.runs, 'accuracy', 'epoch', false);
    expect(series.map((s) => s.label)).toEqual(comparison.runs.map((r) => runLabel(r.run)));
    // Each run keeps its own colour unless an earlier run shown with it has taken it (ids are
    // random, so the fixture's runs may collide): the colours are the distinct assignment.
    const colors = distinctRunColors([ids.source, ids.target, ids.baseline]);
    expect(series.map((s) => s.color)).toEqual([colors.get(ids.source), colors.get(ids.target), colors.get(ids.baseline)]);
    expect(new Set(series.map((s) => s.color)).size).toBe(3);
    expect(series[0].color).toBe(runColor(ids.source));
    expect(series.map((s) => s.grey)).toEqual([false, false, true]);
    expect(series[1].points).toEqual([{ x: 1, y: 0.7 }, { x: 2, y: 0.86 }]);
    expect(BASELINE_GREY).toMatch(/^#/);
  });

  it('never gives two runs shown together the same colour', () => {
    // Two ids whose own colours collide: the second takes the next free palette colour.
    const ids = Array.from({ length: 40 }, (_, i) => `run${i}`);
    const first = ids[0];
    const twin = ids.find((id) => id !== first && runColor(id) === runColor(first))!;
    expect(twin).toBeDefined();
    const colors = distinctRunColors([first, twin]);
    expect(colors.get(first)).toBe(runColor(first));
    expect(colors.get(twin)).not.toBe(runColor(first));
    const many = distinctRunColors(ids.slice(0, RUN_PALETTE.length));
    expect(new Set(many.values()).size).toBe(RUN_PALETTE.length);
  });

  it('adds the validation twin dashed, per epoch or wall time but not per step', () => {
    const byEpoch = comparisonSeries(comparison.runs, 'loss', 'epoch', true);
    expect(byEpoch).toHaveLength(6);
    expect(byEpoch.filter((s) => s.dashed).map((s) => s.points.map((p) => p.y))).toEqual([[1.1, 0.75], [0.8, 0.55], [1.5, 1.2]]);
    const byWall = comparisonSeries(comparison.runs, 'loss', 'wall', true);
    expect(byWall[0].points.map((p) => p.x)).toEqual([2, 4]);
    const bySteps = comparisonSeries(comparison.runs, 'loss', 'step', true);
    expect(bySteps).toHaveLength(3);
    expect(bySteps[0].points).toEqual([{ x: 1, y: 1.4 }, { x: 2, y: 1.3 }, { x: 3, y: 0.9 }, { x: 4, y: 0.8 }].map((p) => ({ x: p.x, y: expect.closeTo(p.y, 10) })));
  });
});
