export * from './admin/events';
export * from './http/index';
