// The HTTP API contracts: zod schemas that validate requests, and the answer types.
export * from './common';
export * from './ratelimit';
export * from './sessions';
export * from './keys';
export * from './admin';
