// "Re-open in the wizard": the run page leaves the experiment's spec where the wizard
// looks for it on start, then navigates there. localStorage (not the URL) because a spec
// can be large and should survive the wizard reloading.

export const WIZARD_PREFILL_KEY = 'transfer-lab.wizard.prefill';

export function storeWizardPrefill(spec: unknown): void {
  localStorage.setItem(WIZARD_PREFILL_KEY, JSON.stringify(spec));
}

/** The spec left for the wizard, removed as it is read (so it applies once); null if none. */
export function takeWizardPrefill(): unknown {
  try {
    const text = localStorage.getItem(WIZARD_PREFILL_KEY);
    if (text === null) return null;
    localStorage.removeItem(WIZARD_PREFILL_KEY);
    return JSON.parse(text);
  } catch {
    return null;
  }
}
