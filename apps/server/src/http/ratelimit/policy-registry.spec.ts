// The policy file on disk: what start-up says about a bad one, and that a refused file is left as it was.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../config/options';
import { defaultPolicyFile, PolicyRegistry } from './policy-registry';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mnemo-policy-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const db = (): string => path.join(dir, 'mnemo.db');

function openError(option: string): ConfigError {
  try {
    PolicyRegistry.open(option, db());
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('open did not throw');
}

describe('PolicyRegistry.open', () => {
  it('starts empty without a default file, and reads one beside the database', () => {
    expect(defaultPolicyFile(db())).toBe(path.join(dir, 'mnemo.ratelimit-policies.json'));
    expect(PolicyRegistry.open('', db()).list()).toEqual([]);
    writeFileSync(defaultPolicyFile(db()), JSON.stringify({ policies: [{ name: 'api', algorithm: 'gcra', limit: 5, windowMs: 1000 }] }));
    expect(PolicyRegistry.open('', db()).list().map((policy) => policy.name)).toEqual(['api']);
  });

  it('rewrites the file readable by the server user only (0600), like the database', () => {
    const policies = [
      { name: 'a', algorithm: 'gcra', limit: 5, windowMs: 1000 },
      { name: 'b', algorithm: 'gcra', limit: 5, windowMs: 1000 },
    ];
    writeFileSync(defaultPolicyFile(db()), JSON.stringify({ policies }), { mode: 0o644 });
    expect(PolicyRegistry.open('', db()).delete('b')).toBe(true);
    expect(statSync(defaultPolicyFile(db())).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"policies": [', /mnemo\.ratelimit-policies\.json is not JSON/],
    ['binary garbage', '\u0000\u00ff\u0001', /is not JSON/],
    ['a field of the wrong type', JSON.stringify({ policies: [{ name: 'a', algorithm: 'gcra', limit: 'ten', windowMs: 1000 }] }), /policies\.0\.limit/],
    ['an unknown algorithm', JSON.stringify({ policies: [{ name: 'a', algorithm: 'magic', limit: 1, windowMs: 1000 }] }), /policies\.0\.algorithm/],
    ['a name used twice', JSON.stringify({ policies: [{ name: 'a', algorithm: 'gcra', limit: 1, windowMs: 1000 }, { name: 'a', algorithm: 'gcra', limit: 2, windowMs: 1000 }] }), /policy 'a' is defined twice/],
  ])('refuses a default file with %s, naming the file and the field, and leaves it as it was', (_case, text, message) => {
    const file = defaultPolicyFile(db());
    writeFileSync(file, text);
    const error = openError('');
    expect(error.message).toMatch(/^option 'ratelimit-policies': /);
    expect(error.message).toMatch(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('starts with a file from an earlier version whose bursts the API now refuses, with a warning for each', () => {
    const policies = [
      { name: 'window', algorithm: 'fixed-window', limit: 1, windowMs: 1000, burst: 5 },
      { name: 'empty', algorithm: 'token-bucket', limit: 1, windowMs: 1000, burst: 0 },
      { name: 'fine', algorithm: 'gcra', limit: 1, windowMs: 1000, burst: 3 },
    ];
    writeFileSync(defaultPolicyFile(db()), JSON.stringify({ policies }));
    const warnings: string[] = [];
    const registry = PolicyRegistry.open('', db(), (message) => warnings.push(message));
    expect(registry.get('window')).not.toHaveProperty('burst');
    expect(registry.get('empty')?.burst).toBe(0);
    expect(registry.get('fine')?.burst).toBe(3);
    expect(warnings).toEqual([
      expect.stringMatching(/policies\.0\.burst: applies to token-bucket and gcra only, not to fixed-window \(ignored\)$/),
      expect.stringMatching(/policies\.1\.burst: a token bucket needs a capacity of at least 1 \(kept: this policy denies every request until edited\)$/),
    ]);
  });

  it('refuses a named file that does not exist or is a directory', () => {
    expect(openError(path.join(dir, 'missing.json')).message).toMatch(/cannot read '.*missing\.json'/);
    expect(openError(dir).message).toMatch(/cannot read/);
  });
});
