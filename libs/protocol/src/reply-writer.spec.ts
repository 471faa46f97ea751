// Reply encoding for RESP2 and RESP3 (byte for byte), decoded back with ReplyParser.
import { ReplyParser } from './reply-parser';
import { ReplyWriter } from './reply-writer';

function encoded(protocol: 2 | 3, write: (writer: ReplyWriter) => void): string {
  const writer = new ReplyWriter(16);
  writer.protocol = protocol;
  write(writer);
  return writer.take().toString('latin1');
}

describe('ReplyWriter', () => {
  it('writes the RESP2 types', () => {
    expect(encoded(2, (w) => w.status('OK'))).toBe('+OK\r\n');
    expect(encoded(2, (w) => w.error('ERR bad\r\nthing'))).toBe('-ERR bad  thing\r\n');
    expect(encoded(2, (w) => w.integer(-42))).toBe(':-42\r\n');
    expect(encoded(2, (w) => w.integer(2n ** 63n - 1n))).toBe(':9223372036854775807\r\n');
    expect(encoded(2, (w) => w.bulk('a\r\nb'))).toBe('$4\r\na\r\nb\r\n');
    expect(encoded(2, (w) => w.bulk(''))).toBe('$0\r\n\r\n');
    expect(encoded(2, (w) => w.bulkText('€'))).toBe('$3\r\n\xe2\x82\xac\r\n');
    expect(encoded(2, (w) => w.nullBulk())).toBe('$-1\r\n');
    expect(encoded(2, (w) => w.nullArray())).toBe('*-1\r\n');
    expect(encoded(2, (w) => w.arrayHeader(2))).toBe('*2\r\n');
  });

  it('degrades RESP3 types for RESP2 clients as Redis does', () => {
    expect(encoded(2, (w) => w.mapHeader(2))).toBe('*4\r\n');
    expect(encoded(2, (w) => w.setHeader(3))).toBe('*3\r\n');
    expect(encoded(2, (w) => w.pushHeader(3))).toBe('*3\r\n');
    expect(encoded(2, (w) => w.double(1.5))).toBe('$3\r\n1.5\r\n');
    expect(encoded(2, (w) => w.double(3, '3'))).toBe('$1\r\n3\r\n');
    expect(encoded(2, (w) => w.boolean(true))).toBe(':1\r\n');
    expect(encoded(2, (w) => w.verbatim('hi'))).toBe('$2\r\nhi\r\n');
  });

  it('writes the RESP3 types', () => {
    expect(encoded(3, (w) => w.nullBulk())).toBe('_\r\n');
    expect(encoded(3, (w) => w.nullArray())).toBe('_\r\n');
    expect(encoded(3, (w) => w.mapHeader(2))).toBe('%2\r\n');
    expect(encoded(3, (w) => w.setHeader(3))).toBe('~3\r\n');
    expect(encoded(3, (w) => w.pushHeader(3))).toBe('>3\r\n');
    expect(encoded(3, (w) => w.double(1.5))).toBe(',1.5\r\n');
    expect(encoded(3, (w) => w.double(-Infinity))).toBe(',-inf\r\n');
    expect(encoded(3, (w) => w.boolean(false))).toBe('#f\r\n');
    expect(encoded(3, (w) => w.verbatim('hi'))).toBe('=6\r\ntxt:hi\r\n');
  });

  it('grows past its initial size, resets on take() and can truncate', () => {
    const writer = new ReplyWriter(8);
    const big = 'y'.repeat(100_000);
    writer.bulk(big);
    writer.status('OK');
    const mark = writer.size;
    writer.status('DROPPED');
    writer.truncate(mark);
    const out = writer.take();
    expect(out.length).toBe(100_000 + '$100000\r\n\r\n+OK\r\n'.length);
    expect(writer.size).toBe(0);
    const parser = new ReplyParser();
    parser.feed(out);
    expect(parser.all()).toEqual([
      { type: 'bulk', value: big },
      { type: 'simple', value: 'OK' },
    ]);
  });

  it('round-trips nested RESP3 replies through ReplyParser, split at every byte', () => {
    const writer = new ReplyWriter();
    writer.protocol = 3;
    writer.mapHeader(2);
    writer.bulk('server');
    writer.bulk('mnemo');
    writer.bulk('modules');
    writer.arrayHeader(3);
    writer.integer(1);
    writer.nullBulk();
    writer.double(2.5);
    writer.pushHeader(2);
    writer.bulk('message');
    writer.boolean(true);
    const bytes = writer.take();
    const expected = [
      {
        type: 'map',
        value: [
          [
            { type: 'bulk', value: 'server' },
            { type: 'bulk', value: 'mnemo' },
          ],
          [
            { type: 'bulk', value: 'modules' },
            {
              type: 'array',
              value: [
                { type: 'integer', value: 1 },
                { type: 'null', kind: 'resp3' },
                { type: 'double', value: 2.5 },
              ],
            },
          ],
        ],
      },
      { type: 'push', value: [{ type: 'bulk', value: 'message' }, { type: 'boolean', value: true }] },
    ];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const parser = new ReplyParser();
      parser.feed(bytes.subarray(0, cut));
      const first = parser.all();
      parser.feed(bytes.subarray(cut));
      expect([...first, ...parser.all()]).toEqual(expected);
    }
  });
});
