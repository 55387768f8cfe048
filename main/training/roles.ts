// A run's role and status are declared once, in the contract; training uses them from there.
export type { RunRole, RunStatus } from '@contract/results';
