// Row ids for experiments and runs: ULID-shaped (48-bit millisecond time + 80 random bits,
// Crockford base32, lower case, 26 characters). Time first, so ids sort by creation and
// are unique across processes without coordination.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(now: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 16 characters × 5 bits = 80 bits; each random byte contributes its low 5 bits.
  const bytes = randomBytes(16);
  let random = '';
  for (const b of bytes) random += ALPHABET[b & 31];
  return time + random;
}
