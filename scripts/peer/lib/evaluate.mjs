// SPDX-License-Identifier: MIT
//
// One eval case (docs/eval-format.md) in, one result object out, decided by
// @cloud-copilot/iam-simulate's runSimulation. Pure mapping code: every rule about IAM
// itself is the library's; the only rules implemented here are the ones the eval format
// puts on the adapter (policy references, the principal-key derivation table, the
// resource's account).

import { readFileSync } from 'node:fs';
import path from 'node:path';

// An error that the adapter (not the library) found in the case.
export class CaseError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

const DECISIONS = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
};

const POLICY_KINDS = ['identity', 'boundary', 'scp', 'resource', 'rcp'];

// ---------------------------------------------------------------------------
// Principal keys (docs/eval-format.md, "Principals and the keys derived from them").

const PRINCIPAL_RE = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

/**
 * Derives the principal context keys of the eval format from a principal ARN.
 * Returns {account, keys} where keys maps each derivable key to its value, or throws
 * CaseError('invalid-request') for a principal outside the table.
 */
export function derivePrincipalKeys(principal) {
  if (typeof principal !== 'string') {
    throw new CaseError('invalid-request', 'request.principal: must be an ARN string');
  }
  const m = PRINCIPAL_RE.exec(principal);
  if (!m) {
    throw new CaseError('invalid-request', `request.principal: unsupported principal ${JSON.stringify(principal)}`);
  }
  const [, partition, service, account, resource] = m;
  const unsupported = () =>
    new CaseError('invalid-request', `request.principal: unsupported principal ${JSON.stringify(principal)}`);
  const keys = { 'aws:PrincipalAccount': account };
  const segments = resource.split('/');
  const lastNonEmpty = segments.length >= 2 && segments.every((s) => s !== '');
  if (service === 'iam') {
    if (resource === 'root') {
      keys['aws:PrincipalType'] = 'Account';
      keys['aws:userid'] = account;
      keys['aws:PrincipalArn'] = principal;
    } else if (segments[0] === 'user' && lastNonEmpty) {
      keys['aws:PrincipalType'] = 'User';
      keys['aws:username'] = segments[segments.length - 1];
      keys['aws:PrincipalArn'] = principal;
    } else if (segments[0] === 'role' && lastNonEmpty) {
      keys['aws:PrincipalType'] = 'AssumedRole';
      keys['aws:PrincipalArn'] = principal;
    } else {
      throw unsupported();
    }
  } else if (segments[0] === 'assumed-role' && segments.length === 3 && lastNonEmpty) {
    keys['aws:PrincipalType'] = 'AssumedRole';
    keys['aws:PrincipalArn'] = `arn:${partition}:iam::${account}:role/${segments[1]}`;
  } else if (segments[0] === 'federated-user' && segments.length === 2 && lastNonEmpty) {
    keys['aws:PrincipalType'] = 'FederatedUser';
    keys['aws:userid'] = `${account}:${segments[1]}`;
    keys['aws:PrincipalArn'] = principal;
  } else {
    throw unsupported();
  }
  return { account, keys };
}

// ---------------------------------------------------------------------------
// Request context.

function contextValue(key, value) {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (Array.isArray(value)) {
    return value.map((v) => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new CaseError('invalid-request', `request.context[${JSON.stringify(key)}]: list values must be strings`);
    });
  }
  throw new CaseError(
    'invalid-request',
    `request.context[${JSON.stringify(key)}]: must be a string or a list of strings`,
  );
}

/**
 * The context passed to the library: request.context (JSON booleans and numbers as strings)
 * plus the derived principal keys that request.context does not give (compared without case).
 */
export function buildContext(context, derived) {
  if (context !== undefined && context !== null && (typeof context !== 'object' || Array.isArray(context))) {
    throw new CaseError('invalid-request', 'request.context: must be an object');
  }
  const out = {};
  const given = new Set();
  for (const [key, value] of Object.entries(context ?? {})) {
    out[key] = contextValue(key, value);
    given.add(key.toLowerCase());
  }
  for (const [key, value] of Object.entries(derived)) {
    if (!given.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Policies.

function loadPolicyValue(value, where, baseDir) {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch (err) {
      throw new CaseError('syntax', `${where}: invalid JSON: ${err.message}`);
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.$ref === 'string') {
    const file = path.resolve(baseDir, value.$ref);
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CaseError('invalid-request', `${where}: $ref ${JSON.stringify(value.$ref)}: ${err.message}`);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new CaseError('syntax', `${where}: $ref ${JSON.stringify(value.$ref)}: invalid JSON: ${err.message}`);
    }
  }
  // Anything else (an object, or a wrong type) goes to the library, which validates it.
  return value;
}

function policyList(value, where) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new CaseError('invalid-request', `${where}: must be a list`);
  return value;
}

/** Reads case.policies into named documents: {identity, boundary, scp, resource}. */
export function loadPolicies(policies, baseDir) {
  if (policies === undefined || policies === null) policies = {};
  if (typeof policies !== 'object' || Array.isArray(policies)) {
    throw new CaseError('invalid-request', 'policies: must be an object');
  }
  for (const key of Object.keys(policies)) {
    if (!POLICY_KINDS.includes(key)) {
      throw new CaseError('invalid-request', `policies: unknown key ${JSON.stringify(key)}`);
    }
  }
  const identity = policyList(policies.identity, 'policies.identity').map((p, i) => ({
    name: `identity[${i}]`,
    policy: loadPolicyValue(p, `identity[${i}]`, baseDir),
  }));
  const boundaryList = policyList(policies.boundary, 'policies.boundary');
  if (boundaryList.length > 1) {
    throw new CaseError('too-many-boundaries', `policies.boundary: at most one permissions boundary, ${boundaryList.length} given`);
  }
  const boundary = boundaryList.map((p, i) => ({
    name: `boundary[${i}]`,
    policy: loadPolicyValue(p, `boundary[${i}]`, baseDir),
  }));
  const scp = policyList(policies.scp, 'policies.scp').map((level, l) => ({
    orgIdentifier: `scp[${l}]`,
    policies: policyList(level, `policies.scp[${l}]`).map((p, i) => ({
      name: `scp[${l}][${i}]`,
      policy: loadPolicyValue(p, `scp[${l}][${i}]`, baseDir),
    })),
  }));
  const resource = policyList(policies.resource, 'policies.resource').map((p, i) => ({
    name: `resource[${i}]`,
    policy: loadPolicyValue(p, `resource[${i}]`, baseDir),
  }));
  // RCP levels of the resource's account, root first, like the SCP levels. The
  // library adds RCPFullAWSAccess to every level it is given, as AWS does.
  const rcp = policyList(policies.rcp, 'policies.rcp').map((level, l) => ({
    orgIdentifier: `rcp[${l}]`,
    policies: policyList(level, `policies.rcp[${l}]`).map((p, i) => ({
      name: `rcp[${l}][${i}]`,
      policy: loadPolicyValue(p, `rcp[${l}][${i}]`, baseDir),
    })),
  }));
  return { identity, boundary, scp, resource, rcp };
}

// ---------------------------------------------------------------------------
// The simulation.

function resourceAccountOf(resource, request, principalAccount) {
  if (resource !== '*') {
    const parts = resource.split(':');
    if (parts.length >= 6 && parts[0] === 'arn' && parts[4] !== '') return parts[4];
  }
  if (request.resourceAccount !== undefined && request.resourceAccount !== null) {
    if (typeof request.resourceAccount !== 'string' || request.resourceAccount === '') {
      throw new CaseError('invalid-request', 'request.resourceAccount: must be a non-empty string');
    }
    return request.resourceAccount;
  }
  return principalAccount;
}

/** Builds the library's Simulation from an eval case. */
export function buildSimulation(c, baseDir) {
  const policies = loadPolicies(c.policies, baseDir);
  const request = c.request;
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw new CaseError('invalid-request', 'request: missing or not an object');
  }
  const { account, keys } = derivePrincipalKeys(request.principal);
  if (typeof request.action !== 'string' || request.action === '') {
    throw new CaseError('invalid-request', 'request.action: must be a string service:Action');
  }
  if (typeof request.resource !== 'string' || request.resource === '') {
    throw new CaseError('invalid-request', 'request.resource: must be an ARN or "*"');
  }
  const contextVariables = buildContext(request.context, keys);
  if (policies.resource.length > 1) {
    throw new CaseError(
      'peer',
      `unsupported by the peer: ${LIBRARY_NAME} takes one resource-based policy, ${policies.resource.length} given`,
    );
  }
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: {
        resource: request.resource,
        accountId: resourceAccountOf(request.resource, request, account),
      },
      contextVariables,
    },
    identityPolicies: policies.identity,
    serviceControlPolicies: policies.scp,
    resourceControlPolicies: policies.rcp,
  };
  if (policies.boundary.length > 0) simulation.permissionBoundaryPolicies = policies.boundary;
  if (policies.resource.length > 0) simulation.resourcePolicy = policies.resource[0].policy;
  return simulation;
}

export const LIBRARY_NAME = '@cloud-copilot/iam-simulate';

// ---------------------------------------------------------------------------
// The result.

function asList(x) {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

// Every statement analysis of one RequestAnalysis, with the eval-format policy name.
// Resource control policies are left out: the adapter passes none, and the library's
// built-in RCPFullAWSAccess is not one of the case's policies.
function* statementGroups(analysis) {
  const id = analysis.identityAnalysis;
  if (id) yield { kind: 'identity', part: id };
  const pb = analysis.permissionBoundaryAnalysis;
  if (pb) yield { kind: 'boundary', part: pb };
  for (const ou of analysis.scpAnalysis?.ouAnalysis ?? []) yield { kind: 'scp', part: ou };
  const rp = analysis.resourceAnalysis;
  if (rp) yield { kind: 'resource', part: rp };
}

function policyName(kind, sa) {
  // The library names a resource policy after the document's own "name" field; there is
  // only ever one, so its eval-format name is fixed.
  if (kind === 'resource') return 'resource[0]';
  return sa.policyId;
}

function statementRef(kind, sa) {
  const ref = { policy: policyName(kind, sa), statement: sa.statement.index() - 1 };
  const sid = sa.statement.sid();
  if (sid !== undefined && sid !== null) ref.sid = sid;
  return ref;
}

function matchedStatements(analysis, decision) {
  if (decision === 'implicitDeny') return [];
  const list = decision === 'explicitDeny' ? 'denyStatements' : 'allowStatements';
  const out = [];
  for (const { kind, part } of statementGroups(analysis)) {
    for (const sa of part[list] ?? []) out.push(statementRef(kind, sa));
  }
  return out;
}

const SPECIAL_VARIABLES = new Set(['*', '?', '$']);

function variablesIn(value) {
  const out = [];
  if (typeof value !== 'string') return out;
  for (const m of value.matchAll(/\$\{([^}]*)\}/g)) {
    const name = m[1].split(',')[0].trim();
    if (name !== '' && !SPECIAL_VARIABLES.has(name)) out.push(name);
  }
  return out;
}

// Context keys that an applicable statement referenced (in a Condition key, in a variable
// of a condition value, or in a variable of Resource/NotResource) and that the evaluated
// request lacked. "Applicable": Action/NotAction (and, in a resource policy, Principal)
// match the request; condition keys count only when Resource/NotResource match as well.
function collectMissing(analysis, present, into) {
  const add = (key) => {
    if (!present.has(key.toLowerCase())) into.set(key.toLowerCase(), into.get(key.toLowerCase()) ?? key);
  };
  for (const { part } of statementGroups(analysis)) {
    for (const list of ['allowStatements', 'denyStatements', 'unmatchedStatements']) {
      for (const sa of part[list] ?? []) {
        if (!sa.actionMatch || sa.principalMatch === 'NoMatch') continue;
        const ex = sa.explain ?? {};
        for (const r of [...asList(ex.resources), ...asList(ex.notResources)]) {
          for (const v of variablesIn(r.resource)) add(v);
        }
        if (!sa.resourceMatch) continue;
        for (const cond of sa.statement.conditions?.() ?? []) {
          add(cond.conditionKey());
          for (const value of cond.conditionValues()) for (const v of variablesIn(value)) add(v);
        }
      }
    }
  }
}

function sortedKeys(map) {
  return [...map.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b));
}

function libraryErrorMessage(errors) {
  const parts = [];
  const named = (group) => {
    for (const [name, list] of Object.entries(group ?? {})) {
      for (const e of list ?? []) parts.push(`${name}: ${e.path ? e.path + ': ' : ''}${e.message}`);
    }
  };
  named(errors.identityPolicyErrors);
  named(errors.permissionBoundaryErrors);
  named(errors.serviceControlPolicyErrors);
  named(errors.resourceControlPolicyErrors);
  named({ 'resource[0]': errors.resourcePolicyErrors });
  named(errors.vpcEndpointErrors);
  named({ session: errors.sessionPolicyErrors });
  for (const e of errors.anonymousRequestErrors ?? []) parts.push(e);
  const message = errors.message ?? 'error';
  return parts.length > 0 ? `${message}: ${parts.join('; ')}` : message;
}

/** Maps a RunSimulationResults onto the eval result fields (without id). */
export function mapResult(result, contextVariables) {
  if (result.resultType === 'error') {
    return { error: libraryErrorMessage(result.errors ?? {}), errorKind: 'peer' };
  }
  const decision = DECISIONS[result.overallResult];
  if (!decision) {
    return { error: `peer returned an unknown decision ${JSON.stringify(result.overallResult)}`, errorKind: 'peer' };
  }
  const runs = result.resultType === 'single' ? [result.result] : result.results ?? [];
  const dropped = new Map();
  for (const run of runs) {
    for (const key of run.ignoredContextKeys ?? []) dropped.set(key.toLowerCase(), dropped.get(key.toLowerCase()) ?? key);
  }
  const present = new Set(
    Object.keys(contextVariables)
      .map((k) => k.toLowerCase())
      .filter((k) => !dropped.has(k)),
  );
  const missing = new Map();
  const matched = [];
  const seen = new Set();
  for (const run of runs) {
    collectMissing(run.analysis, present, missing);
    // With a wildcard resource the library runs one simulation per resource pattern; the
    // statements come from the runs that reached the overall decision.
    if (run.analysis.result !== result.overallResult) continue;
    for (const ref of matchedStatements(run.analysis, decision)) {
      const k = `${ref.policy}#${ref.statement}`;
      if (!seen.has(k)) {
        seen.add(k);
        matched.push(ref);
      }
    }
  }
  const out = { decision, matched, missing: sortedKeys(missing), dropped: sortedKeys(dropped) };
  if (result.resultType === 'wildcard') out.notes = ['peer-wildcard-resource'];
  return out;
}

// ---------------------------------------------------------------------------

/**
 * Decides one input line. Never throws: every failure becomes an error result.
 * `runSimulation` is the library's function.
 */
export async function decideLine(text, lineNo, baseDir, runSimulation) {
  let c;
  try {
    c = JSON.parse(text);
  } catch (err) {
    return { line: lineNo, error: `invalid JSON: ${err.message}`, errorKind: 'syntax' };
  }
  const head = {};
  if (c && typeof c === 'object' && !Array.isArray(c) && 'id' in c) head.id = c.id;
  try {
    if (!c || typeof c !== 'object' || Array.isArray(c)) {
      throw new CaseError('invalid-request', 'a case must be a JSON object');
    }
    const simulation = buildSimulation(c, baseDir);
    let result;
    try {
      result = await runSimulation(simulation, { simulationMode: 'Strict' });
    } catch (err) {
      throw new CaseError('peer', err && err.message ? err.message : String(err));
    }
    const mapped = mapResult(result, simulation.request.contextVariables);
    if (mapped.error !== undefined) return { ...head, line: lineNo, ...mapped };
    return { ...head, ...mapped };
  } catch (err) {
    const kind = err instanceof CaseError ? err.kind : 'peer';
    const message = err && err.message ? err.message : String(err);
    return { ...head, line: lineNo, error: message, errorKind: kind };
  }
}
