// Which experiments are training anywhere in the app, for the rail's live indicator and
// for pages that show a run while it trains. Kept here so leaving the wizard never loses
// sight of a running experiment.
import { call, on } from './api';

class LiveRuns {
  running = $state<string[]>([]);

  constructor() {
    on('run-status', () => void this.refresh());
    on('experiment-finished', (e) => {
      this.running = this.running.filter((id) => id !== e.experimentId);
    });
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.running = (await call('experiments.running', {})).experimentIds;
    } catch {
      // The indicator is informative only; a failed refresh keeps the last known state.
    }
  }
}

export const liveRuns = new LiveRuns();
