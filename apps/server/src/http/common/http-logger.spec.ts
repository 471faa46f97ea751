import { loggedUrl } from './http-logger';

describe('loggedUrl', () => {
  it('writes a session id in the path as <id> (it is its holder\'s credential), and other URLs as they are', () => {
    expect(loggedUrl('/v1/sessions/Xy0-_abcdefghijklmnopqrstuvwxyz12')).toBe('/v1/sessions/<id>');
    expect(loggedUrl('/v1/sessions/Xy0-_abcdefghijklmnopqrstuvwxyz12/touch?x=1')).toBe('/v1/sessions/<id>/touch?x=1');
    expect(loggedUrl('/v1/sessions?userId=u1')).toBe('/v1/sessions?userId=u1');
    expect(loggedUrl('/v1/keys/session:abc')).toBe('/v1/keys/session:abc');
  });
});
