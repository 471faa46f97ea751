// Pure helpers of the RESP listener: Redis's unknown-command text and MISCONF reply splicing.
import { unknownCommandText } from './dispatcher';
import { replaceWriteReplies } from './resp-client';

describe('unknownCommandText', () => {
  it('quotes arguments with a trailing space, as Redis', () => {
    expect(unknownCommandText(['FOO', 'a', 'b'])).toBe("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
    expect(unknownCommandText(['FOO'])).toBe("ERR unknown command 'FOO', with args beginning with: ");
  });

  it('stops listing arguments after 128 bytes and cuts long names', () => {
    const text = unknownCommandText(['X'.repeat(300), 'a'.repeat(100), 'b'.repeat(100), 'c']);
    expect(text).toContain(`'${'X'.repeat(128)}'`);
    expect(text).not.toContain("'c'");
    const args = text.split('with args beginning with: ')[1];
    expect(args).toBe(`'${'a'.repeat(100)}' '${'b'.repeat(25)}' `);
  });
});

describe('replaceWriteReplies', () => {
  it('replaces each write reply range with the error line, keeping the rest', () => {
    const bytes = Buffer.from('$-1\r\n+OK\r\n$-1\r\n:5\r\n');
    expect(replaceWriteReplies(bytes, [5, 10, 15, 19], 'MISCONF disk\r\nfull').toString()).toBe('$-1\r\n-MISCONF disk  full\r\n$-1\r\n-MISCONF disk  full\r\n');
    expect(replaceWriteReplies(bytes, [], 'X').toString()).toBe(bytes.toString());
  });
});
