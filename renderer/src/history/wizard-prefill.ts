// "Re-open in the wizard": the run page leaves the experiment's spec where the wizard
// looks for it on start, then navigates there. localStorage (not the URL) because a spec
// can be large and should survive the wizard reloading.

export const WIZARD_PREFILL_KEY = 'transfer-lab.wizard.prefill';

export function storeWizardPrefill(spec: unknown): void {
  localStorage.setItem(WIZARD_PREFILL_KEY, JSON.stringify(spec));
}
