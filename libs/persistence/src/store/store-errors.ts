// Typed errors for opening and reading the database file; `code` says which refusal it is.

export type StoreErrorCode =
  | 'NOT_MNEMO' // the file is not a Mnemo database (not SQLite, or someone else's tables)
  | 'NEWER_SCHEMA' // written by a newer Mnemo: unknown migrations or a higher schema_version
  | 'MIGRATIONS_MISSING' // prisma/migrations could not be found
  | 'OPEN_FAILED' // SQLite could not open or migrate the file
  | 'READ_ONLY' // the file (or its directory) cannot be written by this process
  | 'CORRUPT' // SQLite finds the file damaged (database disk image is malformed)
  | 'IN_USE' // another Mnemo process (or another open in this one) holds the database's lock
  | 'LOG_CORRUPT' // a log batch in the middle fails its checksum or does not decode
  | 'LOG_GAP' // seqs are not continuous between two batches
  | 'LOG_TRUNCATED' // the last batch is torn and aof-load-truncated is no
  | 'SNAPSHOT_CORRUPT'; // a complete snapshot misses a chunk or a chunk is damaged

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
