export * from './bytes';
export * from './clock';
export * from './errors';
export * from './reply';
export * from './mutation';
export * from './options';
export * from './engine';
export type { RestoreSink } from './bulk-restore';
export type { KeyEventListener } from './keyspace';
