// Keys and values as bytes: the dashboard reads /v1/keys with ?encoding=base64, so it addresses
// every key by its exact bytes and shows every value exactly (runs on the Next server and in the
// browser: atob, btoa and TextDecoder only, no Buffer).
//
// A key's name in the dashboard is text (the URL's ?key=, the live feed, the delete command); in a
// path it travels as base64url of its UTF-8 bytes, so `.` and `..` (which URL parsing would
// resolve as dot segments) are just `Lg` and `Li4`. Values come back as base64 and are shown as
// text when they are UTF-8 without control bytes, else as hex of the bytes as stored:
//   "héllo"          -> text  héllo
//   ff 00 41         -> hex   ff 00 41      (not UTF-8)
//   "a\u0001b"       -> hex   61 01 62      (a control byte)

/** Bytes as the dashboard shows them: `text` is the text itself, or hex when `hex` is true. */
export interface ShownBytes {
  text: string;
  hex: boolean;
  /** Bytes past the shown part, left out (see showBase64's `maxBytes`); 0 when shown whole. */
  omitted: number;
}

// fatal: invalid UTF-8 is refused, not replaced by U+FFFD; ignoreBOM: a leading BOM is kept as
// U+FEFF instead of being dropped, so the text is exactly the bytes.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// eslint-disable-next-line no-control-regex -- control bytes are exactly what is looked for
const CONTROL_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** base64url without padding of the UTF-8 bytes of `text`: a key as one URL path segment. */
export function base64UrlOfText(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function bytesOfBase64(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

/** The text whose UTF-8 form is exactly `bytes`, or null when they are not UTF-8. */
export function utf8TextOf(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/**
 * A base64 value from the API as the dashboard shows it (see the examples above): its first
 * `maxBytes` bytes at most, cut before a UTF-8 sequence rather than inside one (a 10 MB value
 * drawn whole made a 21 MB page that took 9 s to show).
 */
export function showBase64(base64: string, maxBytes = Infinity): ShownBytes {
  const all = bytesOfBase64(base64);
  let cut = Math.min(all.length, maxBytes);
  for (let back = 0; back < 3 && cut < all.length && cut > 0 && (all[cut] & 0xc0) === 0x80; back++) cut--;
  const bytes = all.subarray(0, cut);
  const omitted = all.length - cut;
  const text = utf8TextOf(bytes);
  return text !== null && !CONTROL_BYTES.test(text) ? { text, hex: false, omitted } : { text: hexOf(bytes), hex: true, omitted };
}
