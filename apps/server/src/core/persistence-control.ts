// What the adapters (HTTP admin, RESP, dashboard) may ask of persistence, whatever implements it.

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** A flat status, field names as Redis's INFO persistence section uses them. */
export type PersistenceInfo = Record<string, string | number>;

export interface PersistenceControl {
  /** INFO persistence fields (loading, rdb_changes_since_last_save, rdb_last_save_time, aof_enabled, ...). */
  info(): PersistenceInfo;
  /** Blocking snapshot (SAVE). Rejects with a MnemoError on failure. */
  save(): Promise<void>;
  /** Starts a fuzzy background snapshot; rejects if one is already running (Redis's text). `schedule`: BGSAVE SCHEDULE. */
  bgsave(schedule?: boolean): Promise<string>;
  /** Starts a log rewrite (BGREWRITEAOF). */
  rewrite(): Promise<string>;
  /** Unix seconds of the last successful snapshot (LASTSAVE). */
  lastSave(): number;
  /** CONFIG GET for persistence-owned options (appendonly, appendfsync, save, auto-aof-*). */
  configGet(pattern: string): Array<[string, string]>;
  /** CONFIG SET for one persistence-owned option; false if the name is not persistence's. */
  configSet(name: string, value: string): Promise<boolean>;
  /**
   * SHUTDOWN SAVE / NOSAVE, before the stop: SAVE aborts a running background snapshot and saves
   * now (Redis kills its BGSAVE child); NOSAVE skips the final snapshot appendonly no would take.
   */
  prepareShutdown(mode: 'save' | 'nosave'): Promise<void>;
}

/** Used until persistence is wired: everything answers that persistence is off. */
export const NO_PERSISTENCE: PersistenceControl = {
  info: () => ({ loading: 0, aof_enabled: 0, rdb_changes_since_last_save: 0, rdb_last_save_time: 0 }),
  save: () => Promise.reject(new Error('persistence is not configured')),
  bgsave: () => Promise.reject(new Error('persistence is not configured')),
  rewrite: () => Promise.reject(new Error('persistence is not configured')),
  lastSave: () => 0,
  configGet: () => [],
  configSet: () => Promise.resolve(false),
  prepareShutdown: () => Promise.resolve(),
};
