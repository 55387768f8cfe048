/** The part a run plays in an experiment. */
export type RunRole = 'source' | 'target' | 'baseline';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
