// scripts/patch-fengari.mjs on copies of fengari's sources: a pristine copy, an install patched
// before pristine copies were kept, and a copy it must refuse.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../../..');
const installed = path.join(root, 'node_modules', 'fengari', 'src');
const patchedFiles = readdirSync(installed).filter((name) => name.endsWith('.mnemo-orig')).map((name) => name.slice(0, -'.mnemo-orig'.length));

function patch(source: string): string {
  return execFileSync(process.execPath, [path.join(root, 'scripts', 'patch-fengari.mjs')], { env: { ...process.env, FENGARI_SRC: source }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

describe('patch-fengari', () => {
  const dirs: string[] = [];
  const copyOf = (suffix: '' | '.mnemo-orig'): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mnemo-fengari-'));
    dirs.push(dir);
    for (const file of patchedFiles) copyFileSync(path.join(installed, file + suffix), path.join(dir, file));
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('patches a pristine fengari into exactly the install, once', () => {
    expect(patchedFiles.length).toBeGreaterThanOrEqual(12);
    const dir = copyOf('.mnemo-orig');
    expect(patch(dir)).toBe(`fengari: ${patchedFiles.length} files patched (scripts/patch-fengari.mjs)`);
    for (const file of patchedFiles) expect([file, readFileSync(path.join(dir, file), 'utf8')]).toEqual([file, readFileSync(path.join(installed, file), 'utf8')]);
    expect(patch(dir)).toBe('fengari: already patched');
  });

  it('finds the pristine text of an install patched before pristine copies were kept', () => {
    const dir = copyOf('');
    expect(patch(dir)).toBe('fengari: already patched');
    for (const file of patchedFiles) {
      expect([file, readFileSync(path.join(dir, `${file}.mnemo-orig`), 'utf8')]).toEqual([file, readFileSync(path.join(installed, `${file}.mnemo-orig`), 'utf8')]);
    }
  });

  it('refuses sources that are not fengari 0.1.5, and then writes nothing', () => {
    const dir = copyOf('.mnemo-orig');
    const parser = path.join(dir, 'lparser.js');
    writeFileSync(parser, readFileSync(parser, 'utf8').replace('const searchvar = function(fs, n) {', 'const searchvar = function(fs, name) {'));
    expect(() => patch(dir)).toThrow(/lparser\.js is not fengari 0\.1\.5's/);
    expect(patchedFiles.filter((file) => existsSync(path.join(dir, `${file}.mnemo-orig`)))).toEqual([]);
    expect(readFileSync(path.join(dir, 'lstring.js'), 'utf8')).toBe(readFileSync(path.join(installed, 'lstring.js.mnemo-orig'), 'utf8'));
  });
});
