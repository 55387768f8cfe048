// The runs list's filters, sort, page and selection live here rather than in the page
// component, so opening a run and coming back finds the list as it was left.
import { initialListState, type RunsListState } from './runs-query';

export const runsList = $state<{ query: RunsListState; selected: string[]; knownDatasets: string[] }>({
  query: initialListState(),
  selected: [],
  knownDatasets: [],
});

/** Back to a fresh list (tests). In place: a mounted page holds `runsList.query` itself. */
export function resetRunsList(): void {
  Object.assign(runsList.query, initialListState());
  runsList.selected = [];
  runsList.knownDatasets = [];
}
