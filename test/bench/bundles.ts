/**
 * Size and cold import time of every Lambda bundle as `cdk synth` builds it (esbuild, minified):
 * each bundle is imported in a fresh worker thread, several times, and the median is printed
 * with the ratio to the targets (≤ 400 KB, ≤ 60 ms per function).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { synthesizeStack } from '../../functions/local/stack/synth.ts';

const SIZE_TARGET_KB = 400;
const IMPORT_TARGET_MS = 60;
const RUNS = 5;

/** A fresh thread that imports the bundle once and reports how long the import took. */
function importOnce(bundle: string): Promise<number> {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const started = performance.now();
    import(workerData).then(() => parentPort.postMessage(performance.now() - started));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { eval: true, workerData: pathToFileURL(bundle).href });
    worker.once('message', (ms: number) => {
      void worker.terminate();
      resolve(ms);
    });
    worker.once('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchBundles(): Promise<Record<string, number | string>> {
  const outdir = await mkdtemp(join(tmpdir(), 'sentinel-bench-bundles-'));
  try {
    const started = Date.now();
    const stack = synthesizeStack({ context: { repository: 'shopq/classifier' }, bundle: true, outdir });
    console.log(`synth with esbuild bundling: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const figures: Record<string, number | string> = {};
    console.log('function                          size KB  ×target   import ms  ×target');
    for (const fn of stack.functions) {
      if (!fn.bundle) throw new Error(`${fn.logicalId} has no bundle`);
      const sizeKb = (await stat(fn.bundle)).size / 1024;
      const times: number[] = [];
      for (let run = 0; run < RUNS; run += 1) times.push(await importOnce(fn.bundle));
      const importMs = median(times);
      const name = fn.step ?? fn.path;
      console.log(
        `${name.padEnd(32)} ${sizeKb.toFixed(0).padStart(8)} ${(sizeKb / SIZE_TARGET_KB).toFixed(2).padStart(8)}` +
          ` ${importMs.toFixed(1).padStart(11)} ${(importMs / IMPORT_TARGET_MS).toFixed(2).padStart(8)}`,
      );
      figures[`${name} KB`] = Math.round(sizeKb);
      figures[`${name} import ms`] = Math.round(importMs);
    }
    return figures;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
