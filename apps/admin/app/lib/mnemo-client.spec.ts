// pathSegment: a policy or session name as one URL path segment, never one that URL parsing would
// resolve into another path; keyPath: a key by its bytes in base64url, so every key is reachable.
import { keyPath, MnemoHttpError, pathSegment } from './mnemo-client';

describe('pathSegment', () => {
  it('encodes a name as one segment', () => {
    expect(pathSegment('user:42')).toBe('user%3A42');
    expect(pathSegment('a/b')).toBe('a%2Fb');
    expect(pathSegment('...')).toBe('...');
    expect(pathSegment('.hidden')).toBe('.hidden');
    expect(pathSegment('%2e')).toBe('%252e');
  });

  it('refuses "." and "..", which every URL parser resolves as dot segments', () => {
    for (const name of ['.', '..']) {
      expect(() => pathSegment(name)).toThrow(MnemoHttpError);
      expect(() => pathSegment(name)).toThrow(/cannot be part of a URL path/);
    }
  });
});

describe('keyPath', () => {
  it('names a key by its UTF-8 bytes in base64url, "." and ".." included', () => {
    expect(keyPath('.')).toBe('/v1/keys/Lg?encoding=base64');
    expect(keyPath('..', '/info')).toBe('/v1/keys/Li4/info?encoding=base64');
    expect(keyPath('user:42/a?b', '/ttl')).toBe(`/v1/keys/${Buffer.from('user:42/a?b').toString('base64url')}/ttl?encoding=base64`);
    // Resolving the path against a base keeps the key's segment as it is.
    expect(new URL(keyPath('..', '/info'), 'http://127.0.0.1:1').pathname).toBe('/v1/keys/Li4/info');
  });
});
