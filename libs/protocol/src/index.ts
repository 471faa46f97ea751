// Public entry of @mnemo/protocol: the RESP2/RESP3 codec (pure Buffers, no other imports).
export * from './errors';
export * from './inline';
export * from './request-parser';
export * from './reply-writer';
export * from './reply-parser';
