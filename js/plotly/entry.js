// The plotly.js served to visitors: the core (which always includes `scatter`) and the three trace
// types the app draws, nothing else. The figures are built in components/map/figures.py (map: choroplethmap +
// scattermap; ranking: bar) and components/region_slides.py (presentation mode and the offline file:
// choroplethmap). The full plotly.js is 4.8 MB (1.5 MB gzip), this one about a
// third less. tests/test_plotly_bundle.py fails if a figure uses a trace type not registered here: add
// its `require('plotly.js/lib/<type>')` line below, then `make build`.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/scattermap'),
]);

module.exports = Plotly;
