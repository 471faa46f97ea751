// Inline command splitting: the same lines Redis's sdssplitargs accepts and refuses.
import { splitInlineArgs } from './inline';

describe('splitInlineArgs', () => {
  it.each([
    ['set k v', ['set', 'k', 'v']],
    ['  set   k\tv  ', ['set', 'k', 'v']],
    ['', []],
    ['   ', []],
    ['set k "a b"', ['set', 'k', 'a b']],
    ['set k "a\\nb\\r\\t\\b\\a\\\\\\""', ['set', 'k', 'a\nb\r\t\b\x07\\"']],
    ['set k "\\x41\\xff\\x4"', ['set', 'k', 'A\xffx4']],
    ["set k 'it\\'s'", ['set', 'k', "it's"]],
    ["set k 'a\\nb'", ['set', 'k', 'a\\nb']],
    ['set k ""', ['set', 'k', '']],
    ['ab"cd"', ['abcd']],
    ['get k\u0000ignored', ['get', 'k']],
  ])('splits %j', (line, expected) => {
    expect(splitInlineArgs(line)).toEqual(expected);
  });

  it.each(['set k "abc', "set k 'abc", 'set k "a"b', "set k 'a'b", 'a"b c"d'])('refuses unbalanced %j', (line) => {
    expect(splitInlineArgs(line)).toBeNull();
  });
});
