#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// iamfuzz peer adapter: decides iamfuzz `eval` cases (docs/eval-format.md) with the
// independent simulator @cloud-copilot/iam-simulate.
//
// The library is AGPL-3.0-or-later. It is only ever run inside this separate Node
// process (installed by `npm ci` into scripts/peer/node_modules, never vendored),
// and iamfuzz talks to this process through pipes, one JSON line in, one JSON line out.
//
// Usage:
//   node adapter.mjs < cases.jsonl          # $ref resolved against the current directory
//   node adapter.mjs a.jsonl b.jsonl        # $ref resolved against each file's directory
//
// Environment:
//   IAMFUZZ_PEER_TIMEOUT_MS  per-case time limit (default 10000); a case that takes longer
//                            gets {"errorKind":"peer","error":"peer timeout ..."} and the
//                            evaluator thread is restarted.
//   IAMFUZZ_PEER_QUIET=1     no readiness note on stderr.
//
// Structure: the main thread only reads lines, writes results and keeps time; every case is
// decided by one worker thread running the code in ./lib/evaluate.mjs (so that a case which
// sends the library's regular expressions into catastrophic backtracking cannot hang us).

import { accessSync, constants, createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LIBRARY = '@cloud-copilot/iam-simulate';
const TIMEOUT_MS = positiveInt(process.env.IAMFUZZ_PEER_TIMEOUT_MS, 10000);

function positiveInt(text, fallback) {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function fail(message) {
  process.stderr.write(`iamfuzz-peer: ${message}\n`);
  process.exit(1);
}

function notInstalledMessage(err) {
  return (
    `cannot load ${LIBRARY} (${err && err.message ? err.message.split('\n')[0] : err}).\n` +
    `iamfuzz-peer: run \`npm ci\` in ${HERE} first.`
  );
}

// ---------------------------------------------------------------------------
// The evaluator thread: started once, restarted after a timeout or a crash.
//
// Up to WINDOW cases are handed to the thread ahead of time (it decides them one after
// the other, in order), so that reading a file is not slowed by one thread hop per case.
// A driver that writes one line and waits for its answer gets it as soon as it is decided.
// The time limit applies to the case the thread is working on, i.e. the oldest one.

const WINDOW = 64;

class Evaluator {
  constructor() {
    this.worker = null;
    this.ready = false;
    this.starting = null;
    this.queue = []; // {seq, text, lineNo, baseDir, resolve}, oldest first
    this.seq = 0;
    this.timer = null;
    this.version = null;
  }

  get inFlight() {
    return this.queue.length;
  }

  // Starts the thread; resolves to the library version once it has loaded the library.
  start() {
    if (this.starting) return this.starting;
    const worker = new Worker(new URL('./lib/worker.mjs', import.meta.url));
    this.worker = worker;
    this.ready = false;
    this.starting = new Promise((resolve, reject) => {
      let settled = false;
      worker.on('message', (msg) => {
        if (this.worker !== worker || !msg) return;
        if (msg.type === 'ready') {
          settled = true;
          this.ready = true;
          this.starting = null;
          this.version = msg.version;
          for (const item of this.queue) this.post(item);
          this.armTimer();
          resolve(msg.version);
        } else if (msg.type === 'load-error') {
          settled = true;
          reject(new Error(notInstalledMessage(msg.error)));
        } else if (msg.type === 'result') {
          this.answer(msg.seq, msg.out);
        }
      });
      const broken = (why) => {
        if (this.worker !== worker) return;
        if (!settled) {
          settled = true;
          reject(new Error(why));
          return;
        }
        this.fail(why);
      };
      worker.on('error', (err) => broken(`evaluator thread failed: ${err && err.message ? err.message : err}`));
      worker.on('exit', (code) => broken(`evaluator thread exited with code ${code}`));
    });
    this.starting.catch(() => {
      if (this.worker === worker) {
        this.worker = null;
        this.starting = null;
      }
    });
    return this.starting;
  }

  post(item) {
    this.worker.postMessage({ seq: item.seq, text: item.text, lineNo: item.lineNo, baseDir: item.baseDir });
  }

  armTimer() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ready && this.queue.length > 0) {
      this.timer = setTimeout(() => this.fail(`peer timeout: no answer within ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    }
  }

  answer(seq, out) {
    const head = this.queue[0];
    if (!head || head.seq !== seq) return; // an answer from before a restart
    this.queue.shift();
    head.resolve(out);
    this.armTimer();
  }

  // The oldest case gets `why` as its answer; the thread is replaced and the other cases
  // are handed to the new one.
  fail(why) {
    clearTimeout(this.timer);
    this.timer = null;
    const head = this.queue.shift();
    if (head) head.resolve(JSON.stringify(errorFor(head.text, head.lineNo, why)));
    const old = this.worker;
    this.worker = null;
    this.ready = false;
    this.starting = null;
    if (old) old.terminate().catch(() => {});
    if (this.queue.length > 0) this.restart();
  }

  restart() {
    this.start().catch((err) => {
      // The library no longer loads: answer everything waiting, try again on the next case.
      for (const item of this.queue.splice(0)) {
        item.resolve(JSON.stringify(errorFor(item.text, item.lineNo, err.message)));
      }
    });
  }

  // Decides one line. Resolves to the result line (a string) in every case.
  decide(text, lineNo, baseDir) {
    return new Promise((resolve) => {
      const item = { seq: ++this.seq, text, lineNo, baseDir, resolve };
      this.queue.push(item);
      if (this.ready) {
        this.post(item);
        if (this.queue.length === 1) this.armTimer();
      } else if (!this.starting) {
        this.restart();
      }
    });
  }

  stop() {
    clearTimeout(this.timer);
    const w = this.worker;
    this.worker = null;
    this.ready = false;
    if (w) w.terminate().catch(() => {});
  }
}

// The error line for a case whose evaluation did not answer (timeout, crash).
function errorFor(text, lineNo, message) {
  const out = {};
  try {
    const c = JSON.parse(text);
    if (c && typeof c === 'object' && !Array.isArray(c) && 'id' in c) out.id = c.id;
  } catch {
    // the worker would have answered a syntax error itself; keep the line number only
  }
  out.line = lineNo;
  out.error = message;
  out.errorKind = 'peer';
  return out;
}

// ---------------------------------------------------------------------------
// Output with back-pressure; stdout to a pipe or file is synchronous on Linux, so a
// write that returned is already handed to the reader (the "flush" of other languages).

let stdoutClosed = false;
process.stdout.on('error', (err) => {
  // EPIPE: the reader went away; nothing more to do.
  stdoutClosed = true;
  if (err.code !== 'EPIPE') process.stderr.write(`iamfuzz-peer: stdout: ${err.message}\n`);
});

function writeLine(line) {
  if (stdoutClosed) return Promise.resolve();
  if (process.stdout.write(line + '\n')) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.on('drain', done);
    process.stdout.on('close', done);
    process.stdout.on('error', done);
  });
}

async function runSource(evaluator, input, baseDir) {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let written = Promise.resolve();
  const pending = [];
  for await (const raw of rl) {
    lineNo++;
    if (stdoutClosed) break;
    if (raw.trim() === '') continue;
    const answer = evaluator.decide(raw, lineNo, baseDir);
    written = written.then(() => answer).then(writeLine);
    // At most WINDOW cases read but not yet written.
    pending.push(written);
    if (pending.length >= WINDOW) await pending.shift();
  }
  await written;
}

async function main() {
  // Fail early and clearly when the library is not installed.
  try {
    await import(LIBRARY);
  } catch (err) {
    fail(notInstalledMessage(err));
  }
  const evaluator = new Evaluator();
  let version;
  try {
    version = await evaluator.start();
  } catch (err) {
    fail(err.message);
  }
  if (process.env.IAMFUZZ_PEER_QUIET !== '1') {
    process.stderr.write(`iamfuzz-peer: ready (${LIBRARY} ${version}, timeout ${TIMEOUT_MS} ms)\n`);
  }

  const files = process.argv.slice(2);
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      evaluator.stop();
      fail(`${file}: ${err.message}`);
    }
  }
  if (files.length === 0) {
    await runSource(evaluator, process.stdin, process.cwd());
  } else {
    for (const file of files) {
      await runSource(evaluator, createReadStream(file), path.dirname(path.resolve(file)));
    }
  }
  evaluator.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    // Not expected: every case error is answered in-line. Keep the exit status 0 only
    // when the input was consumed; this path means the adapter itself broke.
    process.stderr.write(`iamfuzz-peer: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
