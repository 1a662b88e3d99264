// Architecture: the folders of src/ are layers and imports only go down
// (terms → scheduler → process → signals → node → index.ts / testing/), and no runtime
// code reads the time, arms a timer or draws randomness except through the injected Clock.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

// Lower rank = lower layer. errors.ts sits at the root but is as low as terms/.
const LAYERS: Record<string, number> = { terms: 0, 'errors.ts': 0, scheduler: 1, process: 2, signals: 3, node: 4, 'index.ts': 5, testing: 5 };
const ALLOWED_PACKAGES = new Set(['eventemitter3', 'piscina']);
const FORBIDDEN_CALLS = ['Date.now', 'setTimeout', 'setInterval', 'Math.random'];
const CLOCK_FILE = join('scheduler', 'clock.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  // Imports name the compiled `.js`; the layer of `errors.js` is that of `errors.ts`.
  const first = relative(SRC, file).replace(/\.js$/, '.ts').split(sep)[0]!;
  if (!(first in LAYERS)) throw new Error(`${relative(SRC, file)} is in no known layer`);
  return first;
}

/** Every module specifier a file imports or re-exports, type-only and dynamic ones included. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

/** `Date.now`, `setTimeout`, … wherever the file calls them (comments do not count). */
function forbiddenCallsIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(source).replace(/^globalThis\./, '');
      if (FORBIDDEN_CALLS.includes(callee)) found.push(`${callee}() at line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFiles(SRC);

describe('architecture', () => {
  it('finds the source files of every layer', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].sort()).toEqual(Object.keys(LAYERS).sort());
  });

  it('lets a file import only from its own layer or the layers below it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        const to = layerOf(target);
        if (LAYERS[to]! > LAYERS[from]!) violations.push(`${relative(SRC, file)} imports ${specifier} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('imports no package but Node built-ins and the declared dependencies', () => {
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !ALLOWED_PACKAGES.has(specifier))
        .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('calls Date.now, setTimeout, setInterval and Math.random only in scheduler/clock.ts', () => {
    const violations = files
      .filter((file) => relative(SRC, file) !== CLOCK_FILE)
      .flatMap((file) => forbiddenCallsIn(file).map((call) => `${relative(SRC, file)}: ${call}`));
    expect(violations).toEqual([]);
  });

  it('sees the imports and calls it checks, so the rules above cannot pass vacuously', () => {
    expect(importsOf(join(SRC, 'node', 'kernel.ts'))).toEqual(
      expect.arrayContaining(['eventemitter3', '../process/process.js', '../errors.js']),
    );
    expect(forbiddenCallsIn(join(SRC, CLOCK_FILE))).toEqual([expect.stringMatching(/^setTimeout\(\)/)]);
  });
});
