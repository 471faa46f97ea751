// pathSegment: a key or policy name as one URL path segment, never one that URL parsing would
// resolve into another path (`/v1/keys/./info` is the key "info").
import { MnemoHttpError, pathSegment } from './mnemo-client';

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
      expect(() => pathSegment(name)).toThrow(/cannot be part of a URL path; use redis-cli/);
    }
  });
});
