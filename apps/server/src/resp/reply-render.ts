// Renders an engine Reply into RESP2 or RESP3 bytes (the writer's protocol decides).

import { DoubleReply, MapReply, Reply, StatusReply } from '@mnemo/engine';
import type { ReplyWriter } from '@mnemo/protocol';

/** A HELP subcommand's reply: its lines as an array of simple strings, as Redis sends them. */
export function writeHelp(writer: ReplyWriter, lines: readonly string[]): void {
  writer.arrayHeader(lines.length);
  for (const line of lines) writer.status(line);
}

/** Appends `reply` to `writer`: null -> nil, string -> bulk, number/bigint -> integer, etc. */
export function writeReply(writer: ReplyWriter, reply: Reply): void {
  if (reply === null) {
    writer.nullBulk();
  } else if (typeof reply === 'string') {
    writer.bulk(reply);
  } else if (typeof reply === 'number' || typeof reply === 'bigint') {
    writer.integer(reply);
  } else if (Array.isArray(reply)) {
    writer.arrayHeader(reply.length);
    for (const item of reply) writeReply(writer, item);
  } else if (reply instanceof StatusReply) {
    writer.status(reply.status);
  } else if (reply instanceof MapReply) {
    writer.mapHeader(reply.flat.length / 2);
    for (const item of reply.flat) writeReply(writer, item);
  } else if (reply instanceof DoubleReply) {
    writer.double(reply.value, reply.text);
  }
}
