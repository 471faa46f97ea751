// ByteWriter's two ways to give up a batch: a view of its own buffer, or a copy into another.
import { ByteReader, ByteWriter } from './byte-buffer';

describe('ByteWriter', () => {
  it('handOff returns a view of the written bytes (no copy) and writes on in the buffer it is given', () => {
    const first = Buffer.alloc(64);
    const next = Buffer.alloc(64);
    const writer = new ByteWriter(64, () => first);
    writer.u8(1);
    writer.u8(2);
    const out = writer.handOff(next);
    expect([...out]).toEqual([1, 2]);
    expect(out.buffer).toBe(first.buffer);
    writer.u8(3);
    expect(next[0]).toBe(3);
    expect([...out]).toEqual([1, 2]);
    expect(writer.capacity).toBe(64);
  });

  it('copyOut copies the written bytes into a target and keeps writing in its own buffer', () => {
    const own = Buffer.alloc(64);
    const target = Buffer.alloc(16);
    const writer = new ByteWriter(64, () => own);
    writer.u8(7);
    writer.u8(8);
    const out = writer.copyOut(target);
    expect([...out]).toEqual([7, 8]);
    expect(out.buffer).toBe(target.buffer);
    writer.u8(9);
    expect(own[0]).toBe(9);
    expect([...out]).toEqual([7, 8]);
    expect(writer.length).toBe(1);
  });

  it('grows through its allocator, keeping what was written', () => {
    const sizes: number[] = [];
    const writer = new ByteWriter(4, (size) => {
      sizes.push(size);
      return Buffer.alloc(size);
    });
    for (let i = 0; i < 10; i++) writer.u8(i);
    expect(sizes).toEqual([4, 8, 16]);
    expect([...writer.finish()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('copies byte strings of every length and every byte value exactly, at any offset, into a buffer that is a view of a larger one', () => {
    // A view at an odd offset of a bigger ArrayBuffer, as the shared buffer pool hands out.
    const backing = Buffer.alloc(1 << 16);
    const writer = new ByteWriter(1 << 12, (size) => backing.subarray(3, 3 + size));
    const strings: string[] = [];
    for (let n = 0; n <= 70; n++) {
      let text = '';
      for (let i = 0; i < n; i++) text += String.fromCharCode((n * 37 + i * 101) & 255);
      strings.push(text);
    }
    for (let i = 0; i < strings.length; i++) {
      writer.u8(i & 1); // shifts the alignment of what follows
      writer.bytes(strings[i]);
      writer.stringRecord(0x10, 'set', strings[i], strings[strings.length - 1 - i], i % 2 === 0 ? 1_700_000_000_123 : null);
    }
    const reader = new ByteReader(writer.finish());
    for (let i = 0; i < strings.length; i++) {
      expect(reader.u8()).toBe(i & 1);
      expect(reader.bytes()).toBe(strings[i]);
      expect(reader.u8()).toBe(0x10);
      expect(reader.shortText()).toBe('set');
      expect(reader.bytes()).toBe(strings[i]);
      expect(reader.bytes()).toBe(strings[strings.length - 1 - i]);
      if (i % 2 === 0) expect(reader.f64()).toBe(1_700_000_000_123);
    }
    expect(reader.done).toBe(true);
  });
});
