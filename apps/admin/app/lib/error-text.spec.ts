// errorText: what the dashboard shows for a failed API call, the field named once.
import { errorText, MnemoHttpError } from './mnemo-client';

describe('errorText', () => {
  it('keeps a server message that starts with its field as it is', () => {
    expect(errorText(new MnemoHttpError(400, 'VALIDATION_ERROR', 'body.burst: applies to token-bucket and gcra only', 'body.burst'))).toBe(
      'body.burst: applies to token-bucket and gcra only',
    );
  });

  it('puts the field in front of a message that does not name it', () => {
    expect(errorText(new MnemoHttpError(400, 'ERR', 'CONFIG SET failed', 'body.value'))).toBe('body.value: CONFIG SET failed');
    expect(errorText(new MnemoHttpError(404, 'NOT_FOUND', 'policy not found'))).toBe('policy not found');
  });

  it('shows other errors by their message', () => {
    expect(errorText(new Error('network down'))).toBe('network down');
    expect(errorText('odd')).toBe('odd');
  });
});
