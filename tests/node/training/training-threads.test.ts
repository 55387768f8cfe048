// The threads a run trains with: every core up to 8 by default; an explicit
// TRANSFER_LAB_TRAINING_THREADS is honoured as asked (16 on a 16-core machine is 16, as the
// thread-scaling bench needs), and a bad value is refused naming the variable.
import { describe, expect, it } from 'vitest';
import { trainingThreads } from '../../../main/training/training-threads';

describe('trainingThreads', () => {
  it('defaults to every core, up to 8', () => {
    expect(trainingThreads({}, 2)).toBe(2);
    expect(trainingThreads({}, 16)).toBe(8);
    expect(trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: '' }, 1)).toBe(1);
  });

  it('honours an explicit number up to 64', () => {
    expect(trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: '16' }, 16)).toBe(16);
    expect(trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: '1' }, 16)).toBe(1);
    expect(trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: '64' }, 2)).toBe(64);
  });

  it('refuses a value that is not a whole number from 1 to 64, naming the variable', () => {
    for (const bad of ['0', '65', '2.5', 'many']) {
      expect(() => trainingThreads({ TRANSFER_LAB_TRAINING_THREADS: bad }, 2)).toThrow(/TRANSFER_LAB_TRAINING_THREADS must be a whole number from 1 to 64/);
    }
  });
});
