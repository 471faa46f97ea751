// Keys and values as bytes: the base64url path form of a key and how stored bytes are shown.
import { base64UrlOfText, bytesOfBase64, showBase64, utf8TextOf } from './key-bytes';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('base64UrlOfText', () => {
  it('is the URL-safe base64 of the UTF-8 bytes, without padding, for names no path segment can carry', () => {
    expect(base64UrlOfText('.')).toBe('Lg');
    expect(base64UrlOfText('..')).toBe('Li4');
    expect(base64UrlOfText('é?/~')).toBe(Buffer.from('é?/~').toString('base64url'));
    // "???~~~" is "Pz8/fn5+" in the standard alphabet: "/" and "+" become "_" and "-".
    expect(base64UrlOfText('???~~~')).toBe('Pz8_fn5-');
    expect(Buffer.from(base64UrlOfText('a\u0001b €'), 'base64url').toString('utf8')).toBe('a\u0001b €');
  });
});

describe('showBase64', () => {
  it('shows UTF-8 text as text, byte for byte (a stored U+FFFD and a leading BOM included)', () => {
    expect(showBase64(Buffer.from('héllo\n\ttab').toString('base64'))).toEqual({ text: 'héllo\n\ttab', hex: false, omitted: 0 });
    expect(showBase64(b64([0xef, 0xbf, 0xbd]))).toEqual({ text: '\ufffd', hex: false, omitted: 0 });
    expect(showBase64(b64([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ text: '\ufeffA', hex: false, omitted: 0 });
    expect(showBase64('')).toEqual({ text: '', hex: false, omitted: 0 });
  });

  it('shows bytes that are not UTF-8, or hold control bytes, as hex of exactly those bytes', () => {
    expect(showBase64(b64([0xff, 0x00, 0x41]))).toEqual({ text: 'ff 00 41', hex: true, omitted: 0 });
    expect(showBase64(b64([0xc3, 0x28]))).toEqual({ text: 'c3 28', hex: true, omitted: 0 });
    expect(showBase64(b64([0x61, 0x01, 0x62]))).toEqual({ text: '61 01 62', hex: true, omitted: 0 });
  });

  it('shows the first maxBytes at most, cut before a UTF-8 sequence, and counts what it left out', () => {
    expect(showBase64(Buffer.from('abcdef').toString('base64'), 4)).toEqual({ text: 'abcd', hex: false, omitted: 2 });
    // "aé€" is 61 c3a9 e282ac: a cut at 4 would split the euro sign, so it falls back to 3.
    expect(showBase64(Buffer.from('aé€').toString('base64'), 4)).toEqual({ text: 'aé', hex: false, omitted: 3 });
    expect(showBase64(b64([0xff, 0x00, 0x41, 0x42]), 2)).toEqual({ text: 'ff 00', hex: true, omitted: 2 });
    expect(showBase64(Buffer.from('abc').toString('base64'), 4)).toEqual({ text: 'abc', hex: false, omitted: 0 });
  });

  it('knows UTF-8 from not', () => {
    expect(utf8TextOf(bytesOfBase64(b64([0xe2, 0x82, 0xac])))).toBe('€');
    expect(utf8TextOf(bytesOfBase64(b64([0xe2, 0x82])))).toBeNull();
  });
});
