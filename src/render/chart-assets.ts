import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The charting library's code and style, inlined into HTML reports so they open with no network. */
export interface ChartAssets {
  readonly js: string;
  readonly css: string;
}

const requireHere = createRequire(import.meta.url);

/** Reads uPlot's minified browser build and stylesheet from node_modules. */
export function readChartAssets(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  resolve: (specifier: string) => string = (specifier) => requireHere.resolve(specifier),
): ChartAssets {
  return {
    js: read(resolve('uplot/dist/uPlot.iife.min.js')),
    css: read(resolve('uplot/dist/uPlot.min.css')),
  };
}
