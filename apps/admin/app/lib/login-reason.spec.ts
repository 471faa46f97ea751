// pageAfterLogin: signing in returns to the page the operator was on, and never leaves the site.
import { pageAfterLogin } from './login-reason';

describe('pageAfterLogin', () => {
  it('returns to a page of the dashboard', () => {
    expect(pageAfterLogin('/keys?pattern=user%3A*')).toBe('/keys?pattern=user%3A*');
    expect(pageAfterLogin('/sessions')).toBe('/sessions');
  });

  it('goes to the overview for anything else: missing, another site, the login page itself', () => {
    for (const next of [null, undefined, '', 'keys', 'https://evil.example/', '//evil.example/x', '/\\evil.example', '/login?next=/x', '/\t/evil.example/x', '/\n/x', '/\r\n/x', '/ /x', '/.//evil.example/', '/./\\evil.example', '/x/..//evil.example/', '/%2e//evil.example', '/./login']) {
      expect(pageAfterLogin(next)).toBe('/');
    }
  });
});
