/**
 * @module `npm run check`'s import-cycle check (dpdm): no module of `src/` imports, through
 * others, itself. A cycle makes the order modules initialise in depend on which entry an app
 * imports first (a recipe read before its module ran is `undefined`), and it keeps a bundler
 * from leaving a session source out. Type-only imports are left aside: they vanish at build.
 *
 * `node scripts/check-cycles.ts [--root DIR]` checks `DIR/src` (the project's by default), from
 * every entry: the standalone Worker, the development entry and the library's root.
 */
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { parseCircular, parseDependencyTree } from 'dpdm'
import { PROJECT_ROOT } from './lib/import-worker-module.ts'

const ENTRIES = ['src/index.ts', 'src/dev.ts', 'src/lib.ts']

const { values } = parseArgs({ options: { root: { type: 'string' } } })
const root = values.root ?? PROJECT_ROOT
const tree = await parseDependencyTree(
  ENTRIES.map((entry) => join(root, entry)),
  { context: root, transform: true, skipDynamicImports: false, include: /\.ts$/, exclude: /node_modules/ },
)
const cycles = parseCircular(tree)
if (cycles.length > 0) {
  console.error(`✗ ${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} in src/:`)
  for (const cycle of cycles) {
    const names = cycle.map((file) => relative(root, join(root, file)))
    console.error(`  ${[...names, names[0]].join(' → ')}`)
  }
  process.exitCode = 1
} else {
  console.log(`✓ no import cycles in src/ (${Object.keys(tree).length} modules from ${ENTRIES.join(', ')})`)
}
