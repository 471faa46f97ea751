// Per-entry memory estimate: used_memory is the sum of these, so maxmemory is deterministic.
//
// Design note. An entry costs its key bytes + value bytes + a fixed overhead that stands for
// what V8 really allocates per key: the Map slot, the Entry object with its boxed double
// (expiresAt, when set), the two string headers, the scan-table slot and allocation slack. The
// constants are CALIBRATED, not guessed: bench/engine.bench.ts loads 1M keys "key:NNNNNN" with
// 10-byte values under --expose-gc and compares process.memoryUsage().heapUsed growth with
// usedMemory (see the figures in BENCHMARKS.md; target ratio 0.75..1.25).
//
//   SET "key:000001" "0123456789"  ->  STRING_ENTRY_OVERHEAD + 10 + 10 bytes
//   HSET h f1 v1 f2 v2             ->  HASH_ENTRY_OVERHEAD + 1 + 2 * HASH_FIELD_OVERHEAD + 8
//
// Calibration (Node 20, x64, no pointer compression): 1M such keys grew the heap by 240 B/key,
// so the overhead is 240 - 20 = 220 (224 B/key before the LRU stamp got a 16-byte double box;
// 239 B/key since the stamp is two inline small integers, 2026-11-27 19:18, ratio 0.996). A key with a TTL really costs ~16 B more (its slots in the volatile
// array and the expiry index) plus a 16-byte heap number for its expiry time; that is not
// counted, so EXPIRE and PERSIST never change usedMemory and never need room.
//
// Hash costs are estimated from the same per-object sizes (a JS Map slot is ~3 words with a
// load factor of 2, plus two string headers per field) rather than measured separately.

/** Fixed bytes per string key (calibrated, see above). */
export const STRING_ENTRY_OVERHEAD = 220;
/** Fixed bytes per hash key: an entry plus an empty Map and the HashValue object. */
export const HASH_ENTRY_OVERHEAD = STRING_ENTRY_OVERHEAD + 160;
/** Fixed bytes per hash field: Map slot (~48 B) plus two string headers (~2 x 20 B). */
export const HASH_FIELD_OVERHEAD = 88;

export function stringMemory(keyLength: number, valueLength: number): number {
  return STRING_ENTRY_OVERHEAD + keyLength + valueLength;
}

export function hashMemory(keyLength: number, fieldCount: number, dataBytes: number): number {
  return HASH_ENTRY_OVERHEAD + keyLength + fieldCount * HASH_FIELD_OVERHEAD + dataBytes;
}
