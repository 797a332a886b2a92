/** Ids and seeded random numbers of the simulator. */
import { randomBytes } from 'node:crypto';

/** Deterministic pseudo-random numbers (mulberry32) for the fault rates. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 24-hex id shaped like a MongoDB ObjectId: seconds, then random bytes, then a counter. */
export function objectId(counter: number): string {
  const ts = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return ts + randomBytes(5).toString('hex') + (counter & 0xffffff).toString(16).padStart(6, '0');
}
