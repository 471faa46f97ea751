import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { openStore } from '../store/open-store';
import { readChunks } from '../recovery/recover';
import { checksum } from '../codec/byte-buffer';
import { tempDir } from '../test-support/temp-db';
import { WriterClient } from './writer-client';

jest.setTimeout(120_000);
it('writer round trip of many sizes', async () => {
  const tmp = tempDir();
  const store = await openStore(tmp.db);
  await store.prisma.$disconnect();
  const w = new WriterClient(tmp.db, 'NORMAL');
  const begin = await w.request({ op: 'snapshot-begin', startSeq: 0, kind: 'bgsave', startedAt: 1 });
  const id = begin.snapshotId as number;
  const sent: Buffer[] = [];
  const ps: Promise<unknown>[] = [];
  for (let i = 0; i < 400; i++) {
    const size = i < 200 ? i * 7 : Math.floor(Math.random() * 300_000);
    const raw = i % 2 ? randomBytes(size) : Buffer.from('a'.repeat(size));
    const pooled = Buffer.from(raw); // small: from the pool
    sent.push(Buffer.from(raw));
    ps.push(w.request({ op: 'snapshot-chunk', snapshotId: id, idx: i, count: 1, payload: pooled }));
    pooled.fill(0x55); // overwrite after posting
  }
  await Promise.all(ps);
  await w.request({ op: 'snapshot-end', snapshotId: id, startSeq: 0, keys: 400, bytes: 0, chunkCount: 400, finishedAt: 2 });
  await w.close();
  const s2 = await openStore(tmp.db);
  let from = 0;
  const bad: string[] = [];
  for (;;) {
    const chunks = await readChunks(s2.prisma, id, from);
    for (const c of chunks) {
      if (checksum(c.payload) !== c.checksum) bad.push(`${c.idx} checksum`);
      else {
        try {
          const out = inflateRawSync(c.payload);
          if (!out.equals(sent[c.idx])) bad.push(`${c.idx} differs`);
        } catch (e) { bad.push(`${c.idx} ${(e as Error).message}`); }
      }
      from = c.idx + 1;
    }
    if (chunks.length < 64) break;
  }
  await s2.prisma.$disconnect();
  tmp.cleanup();
  expect(from).toBe(400);
  expect(bad).toEqual([]);
});
