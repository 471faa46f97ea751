// What persistence tells its listeners (dashboard, logs): recovery, snapshots, log, config.

import type { LogEvent } from './log/event-log';
import type { RecoveryProgress, RecoveryReport } from './recovery/recover';
import type { SnapshotKind, SnapshotResult } from './snapshot/snapshotter';

/** Everything persistence tells listeners (dashboard, logs). Subscribe with Persistence.subscribe. */
export type PersistenceEvent =
  | { type: 'recovery-progress'; progress: RecoveryProgress }
  | { type: 'recovery-finished'; report: RecoveryReport }
  | { type: 'snapshot-started'; kind: SnapshotKind; at: number }
  | { type: 'snapshot-finished'; kind: SnapshotKind; result: SnapshotResult }
  | { type: 'snapshot-failed'; kind: SnapshotKind; error: string }
  | LogEvent
  | { type: 'config-changed'; name: string; value: string };

export type PersistenceListener = (event: PersistenceEvent) => void;
