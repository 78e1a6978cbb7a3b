// Builds the partial plotly.js of entry.js into one minified file, the way plotly.js builds its own
// dist/ bundles (its esbuild-config.js): same format, global name, plugins, aliases and target.
//
//   node js/plotly/build.js [output]
//
// output defaults to $CARTE_BUILD_DIR/js/plotly-carte.min.js (CARTE_BUILD_DIR defaults to build/ at the
// root of the repository), the file web/plotly_bundle.py serves.
'use strict';

const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(__dirname, 'entry.js');
const buildDir = process.env.CARTE_BUILD_DIR || path.join(ROOT, 'build');
const outfile = path.resolve(process.argv[2] || path.join(buildDir, 'js', 'plotly-carte.min.js'));

// The trace types named in the banner are the ones entry.js registers, so the two cannot disagree.
const traces = [...fs.readFileSync(ENTRY, 'utf8').matchAll(/require\('plotly\.js\/lib\/(\w+)'\)/g)]
    .map((match) => match[1]).filter((name) => name !== 'core');

// plotly.js's own licence header, taken from its dist/ file and marked as partial. Its first line
// keeps "plotly.js v<version>": web/plotly_bundle.py reads the version there and serves this
// file only when it matches the plotly.js of the installed Python plotly.
const full = fs.readFileSync(require.resolve('plotly.js/dist/plotly.min.js'), 'utf8').slice(0, 1000);
const header = full.match(/^\/\*\*[\s\S]*?\*\//);
const version = require('plotly.js/package.json').version;
if (!header || !header[0].includes(`plotly.js v${version}\n`)) {
    console.error(`plotly.js v${version} : en-tête de licence introuvable dans dist/plotly.min.js`);
    process.exit(1);
}
const banner = header[0].replace(`plotly.js v${version}`, `plotly.js v${version} (partial: ${traces.join(', ')})`);

esbuild.build({
    entryPoints: [ENTRY],
    outfile,
    format: 'iife',
    globalName: 'Plotly',  // a classic <script>: `var Plotly` is window.Plotly, which dcc.Graph waits for
    bundle: true,
    minify: true,
    sourcemap: false,
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: {
        regl: '@plotly/regl',
        stream: 'stream-browserify',
    },
    define: {
        global: 'window',
        'define.amd': 'false',
    },
    target: 'es2016',
    banner: { js: banner },
    // The bundled libraries' own licence notices (MapLibre's BSD licence asks for it in binary
    // form) gathered at the end of the file, as in plotly.js's dist/ files; a few kB.
    legalComments: 'eof',
    logLevel: 'warning',
}).then(() => {
    console.log(`${path.relative(process.cwd(), outfile)} : plotly.js v${version} (${traces.join(', ')}), `
        + `${(fs.statSync(outfile).size / 1e6).toFixed(1)} Mo`);
}).catch(() => process.exit(1));
