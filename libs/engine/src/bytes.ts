// Byte strings: how the engine keeps binary-safe keys and values without a Buffer per value.
//
// Design note. Redis values are bytes, not text. A JS string whose every char code is 0..255
// holds bytes one-to-one (the "latin1"/"binary" encoding): V8 stores it as a compact one-byte
// string, compares and hashes it natively (so it can key a Map), and converts to and from a
// Buffer with no loss. Invalid UTF-8 survives, because nothing here ever decodes UTF-8.
//
//   socket bytes  e2 82 ac ff   --latin1-->  "\u00e2\u0082\u00ac\u00ff"  (4 chars = 4 bytes)
//   HTTP text     "€"          --utf8 bytes, then latin1-->  "\u00e2\u0082\u00ac"
//
// Every key, field and value crossing the engine's API is such a byte string. Adapters convert
// at the edge with the helpers below; `.length` is the size in bytes.

/** A string whose char codes are all 0..255, one char per byte. */
export type Bytes = string;

export function bytesFromBuffer(buffer: Buffer): Bytes {
  return buffer.toString('latin1');
}

export function bytesToBuffer(bytes: Bytes): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/** Encodes text (any JS string) as its UTF-8 bytes. */
export function bytesFromText(text: string): Bytes {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Decodes UTF-8 bytes to text; invalid sequences become U+FFFD (only for display and JSON). */
export function bytesToText(bytes: Bytes): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
