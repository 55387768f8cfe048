// The one primary action of a step (Next, Start training, …). Steps describe it; the
// wizard draws it, always in the same place, and runs it on click or Enter.
export interface PrimaryAction {
  label: string;
  disabled: boolean;
  /** Why it is disabled, shown beside the button. */
  reason?: string;
  run: () => void | Promise<void>;
}
