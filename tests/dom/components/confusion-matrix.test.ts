// The confusion matrix as an ARIA grid (WCAG 2.1.1, 2.4.3): one tab stop however many cells,
// arrow keys and Home/End move it, a click or Enter opens a cell; read-only, it is a plain
// table with no tab stops.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import ConfusionMatrix from '../../../renderer/src/components/ConfusionMatrix.svelte';

afterEach(cleanup);

const matrix = [
  [5, 1, 0],
  [2, 4, 1],
  [0, 0, 6],
];
const classNames = ['cat', 'dog', 'fox'];

function tabStops(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>('table.confusion button'))
    .filter((b) => b.tabIndex === 0)
    .map((b) => b.getAttribute('aria-label') ?? '');
}

describe('ConfusionMatrix', () => {
  it('is a grid with a single tab stop that the arrow keys move', async () => {
    const opened: string[] = [];
    render(ConfusionMatrix, { props: { matrix, classNames, onCellClick: (a: number, p: number) => opened.push(`${a},${p}`) } });
    expect(screen.getByRole('grid')).toBeTruthy();
    expect(document.querySelectorAll('table.confusion button').length).toBe(9);
    expect(tabStops()).toEqual(['actual cat, predicted cat: 5 samples']);

    const grid = screen.getByRole('grid');
    const press = async (key: string, ctrlKey = false) => {
      await fireEvent.keyDown(document.activeElement ?? grid, { key, ctrlKey });
      await new Promise((r) => setTimeout(r, 0));
    };
    (document.querySelector('[data-cell="0-0"]') as HTMLElement).focus();
    await press('ArrowRight');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('actual cat, predicted dog: 1 sample');
    await press('ArrowDown');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('actual dog, predicted dog: 4 samples');
    await press('End');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('actual dog, predicted fox: 1 sample');
    await press('ArrowRight'); // at the edge it stays
    expect(document.activeElement?.getAttribute('aria-label')).toBe('actual dog, predicted fox: 1 sample');
    await press('Home', true);
    expect(document.activeElement?.getAttribute('aria-label')).toBe('actual cat, predicted cat: 5 samples');
    await press('End', true);
    expect(tabStops()).toEqual(['actual fox, predicted fox: 6 samples']);

    await fireEvent.click(document.activeElement as HTMLElement);
    expect(opened).toEqual(['2,2']);
  });

  it('read-only, it is a plain table without tab stops', () => {
    render(ConfusionMatrix, { props: { matrix, classNames } });
    expect(screen.queryByRole('grid')).toBeNull();
    expect(document.querySelectorAll('table.confusion button, table.confusion [tabindex]').length).toBe(0);
    expect(screen.getAllByRole('cell').map((c) => c.textContent)).toEqual(['5', '1', '0', '2', '4', '1', '0', '0', '6']);
  });
});
