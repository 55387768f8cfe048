// One polite live region for the whole app (rendered empty by App.svelte from the start, so
// screen readers are already listening when the first message arrives). Views announce
// phase changes through it (training started, finished, results ready), never every step.

/** Time between clearing the region and setting the text, so a repeated message is spoken again. */
const REPEAT_GAP_MS = 100;

class Announcer {
  message = $state('');
  // A plain copy: say() runs inside effects, which must not come to depend on `message`.
  #last = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  say(text: string): void {
    clearTimeout(this.#timer);
    const repeated = text === this.#last;
    this.#last = text;
    if (!repeated) {
      this.message = text;
      return;
    }
    this.message = '';
    this.#timer = setTimeout(() => (this.message = text), REPEAT_GAP_MS);
  }
}

export const announcer = new Announcer();
