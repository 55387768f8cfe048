// Row ids for experiments and runs: ULID-shaped (48-bit millisecond time + 80 random bits,
// Crockford base32, lower case, 26 characters). Time first, so ids sort by creation and
// are unique across processes without coordination. Within one process ids are also
// monotonic (ULID's monotonic mode): an id made in the same millisecond as the previous
// one increments its random part, so "newest first" is exact even for ids made together.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(now: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (time === lastTime && lastRandom) {
    lastRandom = increment(lastRandom);
    return time + lastRandom;
  }
  // 16 characters × 5 bits = 80 bits; each random byte contributes its low 5 bits.
  const bytes = randomBytes(16);
  let random = '';
  for (const b of bytes) random += ALPHABET[b & 31];
  lastTime = time;
  lastRandom = random;
  return time + random;
}

let lastTime = '';
let lastRandom = '';

/** The next base32 string of the same length (carrying); wraps only after 2^80 ids in one millisecond. */
function increment(random: string): string {
  const digits = random.split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(digits[i]);
    if (value < 31) {
      digits[i] = ALPHABET[value + 1];
      return digits.join('');
    }
    digits[i] = ALPHABET[0];
  }
  return digits.join('');
}
