// Injection tokens of the HTTP API modules.

/** The Clock the HTTP services read time from (the keyspace's system clock in production). */
export const HTTP_CLOCK = Symbol('HTTP_CLOCK');
