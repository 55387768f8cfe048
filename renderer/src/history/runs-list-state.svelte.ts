// The runs list's filters, sort, page and selection live here rather than in the page
// component, so opening a run and coming back finds the list as it was left.
import { initialListState, listStateFromParams, listStateToParams, type RunsListState } from './runs-query';

/** The list the address asks for (#/runs?status=failed…), so a reload keeps the filters. */
function fromAddress(): RunsListState {
  const [path, params] = window.location.hash.split('?');
  return path === '#/runs' && params ? listStateFromParams(new URLSearchParams(params)) : initialListState();
}

/** The address for the list as it is now; replaces the current entry (no new history step per keystroke). */
export function writeListAddress(query: RunsListState): void {
  const params = listStateToParams(query);
  const hash = `#/runs${params ? `?${params}` : ''}`;
  if (window.location.hash !== hash) history.replaceState(history.state, '', hash);
}

export const runsList = $state<{ query: RunsListState; selected: string[]; knownDatasets: string[] }>({
  query: fromAddress(),
  selected: [],
  knownDatasets: [],
});

/** Back to a fresh list (tests). In place: a mounted page holds `runsList.query` itself. */
export function resetRunsList(): void {
  Object.assign(runsList.query, initialListState());
  runsList.selected = [];
  runsList.knownDatasets = [];
}
