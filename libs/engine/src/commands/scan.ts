// SCAN and HSCAN (db.c scanGenericCommand) with MATCH, COUNT, TYPE (and HSCAN NOVALUES).
//
// Design note. SCAN walks the scan table (see scan-table.ts): the cursor is the insertion id of
// the next entry to visit, so a key present for the whole scan is returned at least once.
// HSCAN returns a small ('listpack') hash whole in one call with cursor 0, as Redis does. A
// large hash is walked in Map insertion order: Map order is stable for fields that stay, new
// fields go to the end, and a deleted field can shift later ones back by one. The cursor packs
// the position reached and the hash's deletion counter at that time; the next call starts at
// position - (deletions since), so no field present for the whole scan is skipped (some may be
// returned twice, which SCAN allows). Example: fields a b c d e, COUNT 2 -> a b, cursor
// (pos 2, dels 0); HDEL a -> b c d e; next call: start at 2 - 1 = 1 -> c d.
// Cost: a JS Map cannot be entered at a position, so a call would walk from the first field,
// O(position + COUNT), and a full HSCAN of a big hash with a small COUNT would be quadratic
// (node-redis's hScanIterator sends no COUNT: 3.0 s for 60,000 fields). So the hash keeps the
// live iterators of the last few calls (HashValue.scanResumes), keyed by the cursor each
// answered: the call that brings that cursor back goes on from there in O(COUNT).
//   HSCAN h 0 COUNT 10 -> fields 1..10, cursor c1 (iterator parked on field 11)
//   HSCAN h c1 COUNT 10 -> fields 11..20 from the parked iterator, cursor c2
// A parked iterator is only used while its cursor is exact: no field deleted since it was
// parked (HDEL drops them all). After a deletion the cursor's position is a lower bound (the
// walk rewinds by every deletion, wherever it was), and two scans at different places could
// then hold the same cursor: the one behind must not be handed the iterator of the one ahead,
// which would skip the fields between. The walk from a lower bound repeats fields at worst,
// and parks an exact iterator again. Two exact iterators with one cursor are at the same place,
// so either serves either scan.
import type { Bytes } from '../bytes';
import { command, type CommandDef } from '../command-table';
import type { HashValue, HscanResume } from '../entry';
import { MnemoError, syntaxError, wrongType } from '../errors';
import { globMatch } from '../glob';
import type { Keyspace } from '../keyspace';
import { parseInt64 } from '../number-format';
import type { KeyType, ScanOptions } from '../options';
import type { Reply } from '../reply';

const CURSOR_RE = /^\d{1,20}$/;
const HSCAN_POS_SHIFT = 4294967296n;

/** Parses a cursor as Redis does (unsigned decimal); throws "invalid cursor". */
export function parseCursor(text: string): bigint {
  if (!CURSOR_RE.test(text)) throw new MnemoError('ERR', 'invalid cursor');
  const v = BigInt(text);
  if (v > 18446744073709551615n) throw new MnemoError('ERR', 'invalid cursor');
  return v;
}

interface ParsedScanOptions {
  match: Bytes | null;
  count: number;
  type: string | null;
  novalues: boolean;
}

function parseScanOptions(argv: Bytes[], from: number, allowType: boolean, allowNoValues: boolean): ParsedScanOptions {
  const out: ParsedScanOptions = { match: null, count: 10, type: null, novalues: false };
  for (let i = from; i < argv.length; ) {
    const opt = argv[i].toLowerCase();
    const hasNext = i + 1 < argv.length;
    if (opt === 'count' && hasNext) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) throw new MnemoError('ERR', 'value is not an integer or out of range');
      if (n < 1) throw syntaxError();
      out.count = Number(n);
      i += 2;
    } else if (opt === 'match' && hasNext) {
      out.match = argv[i + 1] === '*' ? null : argv[i + 1];
      i += 2;
    } else if (opt === 'type' && hasNext && allowType) {
      out.type = argv[i + 1].toLowerCase();
      i += 2;
    } else if (opt === 'novalues' && allowNoValues) {
      out.novalues = true;
      i += 1;
    } else {
      throw syntaxError();
    }
  }
  return out;
}

/**
 * One SCAN step from cursor id `from`: visits up to `count` live entries (and a bounded number
 * of tombstones), returns the keys passing the filters and the next cursor id (0 when done).
 * Expired keys met on the way are deleted (reason 'expired') and not returned, as in Redis.
 */
export function scanStep(ks: Keyspace, from: number, count: number, match: Bytes | null, type: string | null): { next: number; keys: Bytes[] } {
  const slots = ks.table.slots;
  const table = ks.table;
  const horizon = table.horizonOf(from); // keys created after the scan began are not its business
  let i = table.seek(from);
  const keys: Bytes[] = [];
  let visited = 0;
  const maxSteps = count * 10 + 100;
  let steps = 0;
  while (i < slots.length && visited < count && steps < maxSteps) {
    const e = slots[i];
    if (e.id >= horizon) {
      i = slots.length;
      break;
    }
    i = table.skipGap(i + 1);
    steps++;
    if (e.slot === -1) continue;
    visited++;
    if (match !== null && !globMatch(match, e.key)) continue;
    if (type !== null && type !== (e.hash === null ? 'string' : 'hash')) continue;
    if (ks.isExpired(e)) {
      ks.deleteEntry(e, 'expired');
      continue;
    }
    keys.push(e.key);
  }
  const next = i < slots.length && slots[i].id < horizon ? slots[i].id : 0;
  if (next !== 0) table.rememberHorizon(next, horizon);
  return { next, keys };
}

function scanCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const cursor = parseCursor(argv[1]);
  const opts = parseScanOptions(argv, 2, true, false);
  const from = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
  const r = scanStep(ks, from, opts.count, opts.match, opts.type);
  return [String(r.next), r.keys];
}

/** Typed SCAN for hosts; same semantics as the command. */
export function scanTyped(ks: Keyspace, cursor: string, options: ScanOptions | undefined): { cursor: string; keys: Bytes[] } {
  const c = parseCursor(cursor);
  const count = options?.count ?? 10;
  if (!Number.isInteger(count) || count < 1) throw syntaxError();
  const match = options?.match === undefined || options.match === '*' ? null : options.match;
  const type: KeyType | null = options?.type ?? null;
  const r = scanStep(ks, Number(c), count, match, type);
  return { cursor: String(r.next), keys: r.keys };
}

function isListpack(h: HashValue): boolean {
  return !h.hashtable;
}

function hscanCommand(ks: Keyspace, argv: Bytes[]): Reply {
  const cursor = parseCursor(argv[2]);
  const e = ks.lookupRead(argv[1]);
  if (e === undefined) return ['0', []];
  if (e.hash === null) throw wrongType();
  const opts = parseScanOptions(argv, 3, false, true);
  const h = e.hash;
  const out: Bytes[] = [];
  const take = (f: Bytes, v: Bytes): void => {
    if (opts.match !== null && !globMatch(opts.match, f)) return;
    out.push(f);
    if (!opts.novalues) out.push(v);
  };
  if (isListpack(h)) {
    for (const [f, v] of h.map) take(f, v);
    return ['0', out];
  }
  const pos = Number(cursor / HSCAN_POS_SHIFT);
  const dels = Number(cursor % HSCAN_POS_SHIFT);
  const since = (h.deletions - dels) >>> 0;
  const start = cursor === 0n ? 0 : Math.max(0, pos - since);
  // since === 0: no field deleted since this cursor was answered, so it is exact (see above).
  const resume = cursor === 0n || since !== 0 ? undefined : takeResume(h, cursor);
  // Fields only: each value is read when it is returned (a parked field's may have changed).
  let iterator: Iterator<Bytes>;
  let field: Bytes | undefined;
  if (resume !== undefined) {
    iterator = resume.iterator;
    field = resume.pendingField; // still there: nothing was deleted
  } else {
    iterator = h.map.keys();
    field = nextField(iterator);
    for (let skipped = 0; skipped < start && field !== undefined; skipped++) field = nextField(iterator);
  }
  let visited = 0;
  while (field !== undefined) {
    if (visited === opts.count) {
      const next = BigInt(start + visited) * HSCAN_POS_SHIFT + BigInt(h.deletions >>> 0);
      parkResume(h, { cursor: next, iterator, pendingField: field });
      return [next.toString(), out];
    }
    visited++;
    take(field, h.map.get(field) as Bytes);
    field = nextField(iterator);
  }
  return ['0', out];
}

/** Resumable HSCANs kept per hash: enough for a few clients scanning the same hash at once. */
const MAX_RESUMES = 4;

function nextField(iterator: Iterator<Bytes>): Bytes | undefined {
  const step = iterator.next();
  return step.done ? undefined : step.value;
}

/** Removes and returns the parked scan that answered `cursor`, if any. */
function takeResume(h: HashValue, cursor: bigint): HscanResume | undefined {
  const resumes = h.scanResumes;
  if (resumes === null) return undefined;
  const i = resumes.findIndex((resume) => resume.cursor === cursor);
  return i === -1 ? undefined : resumes.splice(i, 1)[0];
}

function parkResume(h: HashValue, resume: HscanResume): void {
  const resumes = (h.scanResumes ??= []);
  if (resumes.length === MAX_RESUMES) resumes.shift();
  resumes.push(resume);
}

export const scanCommands: CommandDef[] = [
  command('scan', -2, 'readonly', [0, 0, 0], 'keyspace', 'Iterates over the key names in the database.', scanCommand),
  command('hscan', -3, 'readonly', [1, 1, 1], 'hash', 'Iterates over fields and values of a hash.', hscanCommand),
];
