// Public entry of @mnemo/persistence: event log, snapshots and recovery in SQLite through Prisma.

export * from './config';
export * from './engine-port';
export { checksum, CodecError, ByteWriter, inflatePayload } from './codec/byte-buffer';
export { encodeRecord, decodeRecords, decodeRecordList, encodeEntry, decodeEntries } from './codec/record-codec';
export { EventLog, type EventLogStatus, type FsyncPolicy, type LogEvent } from './log/event-log';
export { recover, repairHint, type RecoveryProgress, type RecoveryReport } from './recovery/recover';
export { Persistence, type PersistenceEvent, type PersistenceListener, type PersistenceOptions } from './persistence';
export { type SnapshotKind, type SnapshotResult } from './snapshot/snapshotter';
export { SnapshotConflict } from './snapshot/snapshot-scheduler';
export { openStore, createPrismaClient, SCHEMA_VERSION } from './store/open-store';
export { StoreError, type StoreErrorCode } from './store/store-errors';
export { backupDatabase, type BackupReport } from './store/backup';
export { repairLog, type RepairOptions, type RepairReport } from './recovery/repair-log';
