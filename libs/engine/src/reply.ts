// Replies from `Engine.execute`, shaped like RESP so any adapter can render them:
//   null          -> nil (RESP2 `$-1`, RESP3 `_`)
//   number|bigint -> integer (bigint only when outside the safe-integer range)
//   string        -> bulk string of bytes (see bytes.ts)
//   StatusReply   -> simple string (`+OK`)
//   Reply[]       -> array
//   MapReply      -> map in RESP3, flat array of key, value, ... in RESP2 (HGETALL)
//   DoubleReply   -> double in RESP3, bulk string in RESP2
// Errors are thrown as MnemoError, never returned.

export type Reply = null | number | bigint | string | StatusReply | MapReply | DoubleReply | Reply[];

export class StatusReply {
  constructor(readonly status: string) {}
}

export class MapReply {
  /** Flat list: key, value, key, value, ... */
  constructor(readonly flat: Reply[]) {}
}

export class DoubleReply {
  constructor(
    readonly value: number,
    /** How Redis writes it as a bulk string in RESP2. */
    readonly text: string,
  ) {}
}

export const OK = new StatusReply('OK');
export const QUEUED = new StatusReply('QUEUED');
