// SPDX-License-Identifier: MIT
//
// The evaluator thread of adapter.mjs: loads @cloud-copilot/iam-simulate once, then
// answers {text, lineNo, baseDir} messages with {type:"result", out:<result line>}.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { decideLine, LIBRARY_NAME } from './evaluate.mjs';

function libraryVersion() {
  try {
    // The package's "exports" do not expose package.json: walk up from its entry point.
    let dir = path.dirname(fileURLToPath(import.meta.resolve(LIBRARY_NAME)));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
        if (pkg.name === LIBRARY_NAME) return pkg.version;
      } catch {
        // not here
      }
      dir = path.dirname(dir);
    }
  } catch {
    // fall through
  }
  return 'unknown version';
}

let runSimulation;
try {
  ({ runSimulation } = await import(LIBRARY_NAME));
  if (typeof runSimulation !== 'function') throw new Error(`${LIBRARY_NAME} exports no runSimulation`);
} catch (err) {
  parentPort.postMessage({ type: 'load-error', error: err && err.message ? err.message : String(err) });
  process.exit(1);
}

// Cases are decided strictly one after the other, in the order they arrive.
let chain = Promise.resolve();
parentPort.on('message', ({ seq, text, lineNo, baseDir }) => {
  chain = chain.then(async () => {
    let out;
    try {
      out = JSON.stringify(await decideLine(text, lineNo, baseDir, runSimulation));
    } catch (err) {
      out = JSON.stringify({ line: lineNo, error: `adapter: ${err && err.message ? err.message : err}`, errorKind: 'peer' });
    }
    parentPort.postMessage({ type: 'result', seq, out });
  });
});

parentPort.postMessage({ type: 'ready', version: libraryVersion() });
