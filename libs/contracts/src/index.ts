export * from './admin/events';
