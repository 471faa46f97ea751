// Bundles a TypeScript entry point with esbuild, compiling each .ts file with SWC first because
// Nest's dependency injection needs decorator metadata (emitDecoratorMetadata), which esbuild
// does not emit. Workspace aliases (@mnemo/*) resolve through tsconfig.base.json; npm packages
// stay external and load from node_modules at run time.
import { build } from 'esbuild';
import { transform } from '@swc/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const swcDecorators = {
  name: 'swc-decorators',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const output = await transform(source, {
        filename: args.path,
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
      });
      return { contents: output.code, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** Bundles `entry` (relative to the workspace root) into `outfile`. */
export async function bundle(entry, outfile) {
  await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    keepNames: true,
    tsconfig: path.join(root, 'tsconfig.base.json'),
    packages: 'external',
    plugins: [swcDecorators],
    logLevel: 'warning',
  });
}
