// The text table beside every chart (WCAG 1.1.1): rows by x, a column per series.
import { describe, expect, it } from 'vitest';
import { chartTable, MAX_TABLE_ROWS } from '../../../renderer/src/components/chart-table';

describe('chartTable', () => {
  it('lines series up by x, leaving blanks where a series has no point', () => {
    const table = chartTable(
      [
        { label: 'train', points: [{ x: 0.5, y: 0.5 }, { x: 1, y: 0.75 }] },
        { label: 'validation', dashed: true, points: [{ x: 1, y: 0.625 }] },
      ],
      true,
    );
    expect(table.columns).toEqual(['train', 'validation']);
    expect(table.rows).toEqual([
      { x: '0.5', values: ['50.0 %', ''] },
      { x: '1', values: ['75.0 %', '62.5 %'] },
    ]);
    expect(table.thinned).toBeNull();
  });

  it('writes plain values with four significant digits and skips missing ones', () => {
    const table = chartTable([{ label: 'loss', points: [{ x: 1, y: 1.234567 }, { x: 2, y: null }] }], false);
    expect(table.rows.map((r) => r.values[0])).toEqual(['1.235', '']);
  });

  it('thins a very long series evenly and keeps its last row', () => {
    const points = Array.from({ length: 1234 }, (_, i) => ({ x: i + 1, y: i }));
    const table = chartTable([{ label: 'loss', points }], false);
    expect(table.total).toBe(1234);
    expect(table.thinned).toBe(3);
    expect(table.rows.length).toBeLessThanOrEqual(MAX_TABLE_ROWS + 1);
    expect(table.rows.at(-1)?.x).toBe('1234');
  });
});
