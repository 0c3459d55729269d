// SPDX-License-Identifier: MIT
//
// Self-test of the peer adapter: `node --test` (or `npm test`) in scripts/peer.
// The expected decisions come from AWS's documentation of policy evaluation, not from
// the library: a failure here is either an adapter bug or a disagreement between the
// library and AWS, which must be reported, not patched over in the adapter.

import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { buildContext, derivePrincipalKeys } from './lib/evaluate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ADAPTER = path.join(HERE, 'adapter.mjs');

const A = '111122223333';
const B = '444455556666';
const ALICE = `arn:aws:iam::${A}:user/alice`;
const V = '2012-10-17';

const allow = (Action, Resource = '*', extra = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action, Resource = '*', extra = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });
const doc = (...Statement) => ({ Version: V, Statement });
const req = (action, resource, context, principal = ALICE, more = {}) => ({
  principal,
  action,
  resource,
  ...(context ? { context } : {}),
  ...more,
});
const FULL_ACCESS = doc(allow('*'));

// Self-service credentials, in the shape of AWS's example policy.
const MFA_GATE = doc(
  { Sid: 'AllowOwnPassword', ...allow(['iam:ChangePassword', 'iam:GetUser'], `arn:aws:iam::*:user/\${aws:username}`) },
  {
    Sid: 'DenyAllExceptListedIfNoMFA',
    Effect: 'Deny',
    NotAction: ['iam:ChangePassword', 'iam:GetUser'],
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  },
  { Sid: 'AllowEverythingElse', ...allow('iam:*', `arn:aws:iam::*:user/\${aws:username}`) },
);

// Each case: [id, case body, expected decision | {error: kind}, extra checks].
const CASES = [
  // 1. An explicit deny overrides any allow.
  ['explicit-deny-wins', { policies: { identity: [doc(allow('iam:*')), doc(deny('iam:DeleteUser'))] }, request: req('iam:DeleteUser', ALICE) },
    'explicitDeny', (r) => assert.deepEqual(r.matched, [{ policy: 'identity[1]', statement: 0 }])],
  // 2. NotAction: the deny does not apply to the listed actions ...
  ['notaction-excluded', { policies: { identity: [MFA_GATE] }, request: req('iam:ChangePassword', ALICE) },
    'allowed', (r) => assert.deepEqual(r.matched, [
      { policy: 'identity[0]', statement: 0, sid: 'AllowOwnPassword' },
      { policy: 'identity[0]', statement: 2, sid: 'AllowEverythingElse' },
    ])],
  // ... and applies to every other action. 3. BoolIfExists on a missing key is true.
  ['boolifexists-missing-key', { policies: { identity: [MFA_GATE] }, request: req('iam:DeleteUser', ALICE) },
    'explicitDeny', (r) => {
      assert.deepEqual(r.matched, [{ policy: 'identity[0]', statement: 1, sid: 'DenyAllExceptListedIfNoMFA' }]);
      assert.deepEqual(r.missing, ['aws:MultiFactorAuthPresent']);
    }],
  ['boolifexists-with-mfa', { policies: { identity: [MFA_GATE] }, request: req('iam:DeleteUser', ALICE, { 'aws:MultiFactorAuthPresent': true }) },
    'allowed'],
  // Plain Bool on a missing key is false: the deny never fires (the MFA bypass of docs/semantics.md §7.2).
  ['bool-missing-key', {
    policies: { identity: [doc(allow('iam:*'), deny('iam:DeleteUser', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))] },
    request: req('iam:DeleteUser', ALICE),
  }, 'allowed'],
  // 4. ${aws:username} is the user's friendly name (derived from the principal) ...
  ['username-user', { policies: { identity: [doc(allow('iam:ChangePassword', `arn:aws:iam::${A}:user/\${aws:username}`))] }, request: req('iam:ChangePassword', ALICE) },
    'allowed'],
  // ... with no path, so a user with a path never matches user/${aws:username} ...
  ['username-user-with-path', {
    policies: { identity: [doc(allow('iam:ChangePassword', `arn:aws:iam::${A}:user/\${aws:username}`))] },
    request: req('iam:ChangePassword', `arn:aws:iam::${A}:user/dev/alice`, null, `arn:aws:iam::${A}:user/dev/alice`),
  }, 'implicitDeny'],
  // ... and a role has none: the statement never matches.
  ['username-role', {
    policies: { identity: [doc(allow('iam:ChangePassword', `arn:aws:iam::${A}:user/\${aws:username}`))] },
    request: req('iam:ChangePassword', ALICE, null, `arn:aws:sts::${A}:assumed-role/Admin/alice`),
  }, 'implicitDeny', (r) => assert.deepEqual(r.missing, ['aws:username'])],
  // A key given in context wins over the derived one.
  ['username-from-context', {
    policies: { identity: [doc(allow('iam:ChangePassword', `arn:aws:iam::${A}:user/\${aws:username}`))] },
    request: req('iam:ChangePassword', `arn:aws:iam::${A}:user/bob`, { 'AWS:UserName': 'bob' }),
  }, 'allowed'],
  // aws:PrincipalArn of an assumed-role session is the role's ARN.
  ['principalarn-assumed-role', {
    policies: { identity: [doc(allow('iam:GetUser', '*', { Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Admin` } } }))] },
    request: req('iam:GetUser', ALICE, null, `arn:aws:sts::${A}:assumed-role/Admin/s1`),
  }, 'allowed'],
  // 5. StringNotEquals with two values is a NOR: true only when the value is neither.
  ['stringnotequals-nor-in-list', {
    policies: { identity: [doc(allow('iam:GetUser', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }))] },
    request: req('iam:GetUser', ALICE, { 'aws:RequestedRegion': 'eu-west-1' }),
  }, 'implicitDeny'],
  ['stringnotequals-nor-outside-list', {
    policies: { identity: [doc(allow('iam:GetUser', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }))] },
    request: req('iam:GetUser', ALICE, { 'aws:RequestedRegion': 'ap-south-1' }),
  }, 'allowed'],
  // 6. ForAllValues is true when the key is missing.
  ['forallvalues-missing-key', {
    policies: { identity: [doc(allow('iam:TagUser', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } } }))] },
    request: req('iam:TagUser', ALICE),
  }, 'allowed', (r) => assert.deepEqual(r.missing, ['aws:TagKeys'])],
  ['forallvalues-extra-value', {
    policies: { identity: [doc(allow('iam:TagUser', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } } }))] },
    request: req('iam:TagUser', ALICE, { 'aws:TagKeys': ['team', 'owner'] }),
  }, 'implicitDeny'],
  // 7. A permissions boundary caps what the identity policy grants.
  ['boundary-outside', { policies: { identity: [doc(allow('iam:*'))], boundary: [doc(allow('iam:ChangePassword'))] }, request: req('iam:DeleteUser', ALICE) },
    'implicitDeny'],
  ['boundary-inside', { policies: { identity: [doc(allow('iam:*'))], boundary: [doc(allow('iam:ChangePassword'))] }, request: req('iam:ChangePassword', ALICE) },
    'allowed', (r) => assert.deepEqual(r.matched, [
      { policy: 'identity[0]', statement: 0 },
      { policy: 'boundary[0]', statement: 0 },
    ])],
  // 8. SCPs: every level from the root down must allow.
  ['scp-second-level-does-not-allow', {
    policies: { identity: [doc(allow('iam:*'))], scp: [[FULL_ACCESS], [doc(allow('s3:*'))]] },
    request: req('iam:ChangePassword', ALICE),
  }, 'implicitDeny'],
  ['scp-both-levels-allow', {
    policies: { identity: [doc(allow('iam:*'))], scp: [[FULL_ACCESS], [doc(allow('iam:*'))]] },
    request: req('iam:ChangePassword', ALICE),
  }, 'allowed', (r) => assert.deepEqual(r.matched.map((m) => m.policy), ['identity[0]', 'scp[0][0]', 'scp[1][0]'])],
  ['scp-deny', {
    policies: { identity: [doc(allow('iam:*'))], scp: [[FULL_ACCESS, doc(deny('iam:ChangePassword'))]] },
    request: req('iam:ChangePassword', ALICE),
  }, 'explicitDeny', (r) => assert.deepEqual(r.matched, [{ policy: 'scp[0][1]', statement: 0 }])],
  // 9. A policy given as a JSON string holding the document.
  ['policy-as-string', { policies: { identity: [JSON.stringify(doc(allow('iam:GetUser')))] }, request: req('iam:GetUser', ALICE) },
    'allowed'],
  // 10. A policy given as a reference relative to the case file (cwd for stdin).
  ['policy-ref', { policies: { identity: [{ $ref: 'policies/get-user.json' }] }, request: req('iam:GetUser', ALICE) },
    'allowed'],
  ['policy-ref-missing', { policies: { identity: [{ $ref: 'policies/nope.json' }] }, request: req('iam:GetUser', ALICE) },
    { error: 'invalid-request' }],
  // 11. An invalid policy (no Effect) is rejected by the library.
  ['invalid-policy', { policies: { identity: [{ Version: V, Statement: [{ Action: 'iam:GetUser', Resource: '*' }] }] }, request: req('iam:GetUser', ALICE) },
    { error: 'peer' }, (r) => assert.match(r.error, /Effect/)],
  // 12. Cross-account: without a resource policy the identity policy is not enough ...
  ['cross-account-no-resource-policy', {
    policies: { identity: [doc(allow('s3:GetObject'))] },
    request: req('s3:GetObject', 'arn:aws:s3:::their-bucket/k', null, ALICE, { resourceAccount: B }),
  }, 'implicitDeny'],
  // ... both sides must allow.
  ['cross-account-both-allow', {
    policies: {
      identity: [doc(allow('s3:GetObject'))],
      resource: [doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::their-bucket/*' })],
    },
    request: req('s3:GetObject', 'arn:aws:s3:::their-bucket/k', null, ALICE, { resourceAccount: B }),
  }, 'allowed', (r) => assert.deepEqual(r.matched, [{ policy: 'identity[0]', statement: 0 }, { policy: 'resource[0]', statement: 0 }])],
  ['two-resource-policies', {
    policies: { resource: [doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }), doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' })] },
    request: req('s3:GetObject', 'arn:aws:s3:::b/k'),
  }, { error: 'peer' }],
  // Context keys that the action does not support are dropped by the library.
  ['dropped-key', { policies: { identity: [doc(allow('iam:GetUser'))] }, request: req('iam:GetUser', ALICE, { 's3:prefix': 'home/' }) },
    'allowed', (r) => assert.deepEqual(r.dropped, ['s3:prefix'])],
  // Errors of the case itself.
  ['bad-principal', { policies: {}, request: req('iam:GetUser', ALICE, null, `arn:aws:iam::${A}:group/devs`) }, { error: 'invalid-request' }],
  ['unknown-policies-key', { policies: { session: [] }, request: req('iam:GetUser', ALICE) }, { error: 'invalid-request' }],
  ['two-boundaries', { policies: { boundary: [FULL_ACCESS, FULL_ACCESS] }, request: req('iam:GetUser', ALICE) }, { error: 'too-many-boundaries' }],
];

let dir;
let results;
let stderr;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'iamfuzz-peer-test-'));
  mkdirSync(path.join(dir, 'policies'));
  writeFileSync(path.join(dir, 'policies', 'get-user.json'), JSON.stringify(doc(allow('iam:GetUser'))));
  const lines = [];
  for (const [id, body] of CASES) {
    lines.push(JSON.stringify({ id, ...body }));
    if (id === 'policy-as-string') lines.push('', '   '); // blank lines: no output
  }
  lines.push('{"id": "malformed", "policies": '); // 13. a malformed line
  const run = spawnSync(process.execPath, [ADAPTER], { cwd: dir, input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 60000 });
  assert.equal(run.status, 0, `adapter exited ${run.status}: ${run.stderr}`);
  stderr = run.stderr;
  results = run.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('decisions', () => {
  test('one result per non-blank line, in order', () => {
    assert.deepEqual(results.slice(0, CASES.length).map((r) => r.id), CASES.map(([id]) => id));
    assert.equal(results.length, CASES.length + 1);
  });

  for (const [i, [id, , want, check]] of CASES.entries()) {
    test(id, () => {
      const r = results[i];
      assert.equal(r.id, id);
      if (typeof want === 'string') {
        assert.equal(r.error, undefined, `unexpected error: ${r.error}`);
        assert.equal(r.decision, want);
        assert.ok(Array.isArray(r.missing) && Array.isArray(r.dropped) && Array.isArray(r.matched));
        if (want === 'implicitDeny') assert.deepEqual(r.matched, []);
      } else {
        assert.equal(r.decision, undefined);
        assert.equal(r.errorKind, want.error, r.error);
        assert.equal(typeof r.error, 'string');
      }
      if (check) check(r);
    });
  }

  test('malformed line', () => {
    const r = results[CASES.length];
    assert.equal(r.errorKind, 'syntax');
    // the line number counts the two blank lines
    assert.equal(r.line, CASES.length + 3);
  });

  test('nothing but a readiness note on stderr', () => {
    assert.match(stderr, /^iamfuzz-peer: ready \(@cloud-copilot\/iam-simulate \d+\.\d+\.\d+/);
    assert.equal(stderr.trim().split('\n').length, 1);
  });
});

describe('adapter process', () => {
  test('$ref resolves against the case file directory', () => {
    const sub = path.join(dir, 'sub');
    mkdirSync(path.join(sub, 'policies'), { recursive: true });
    writeFileSync(path.join(sub, 'policies', 'p.json'), JSON.stringify(doc(allow('iam:GetUser'))));
    writeFileSync(path.join(sub, 'cases.jsonl'),
      JSON.stringify({ id: 'r', policies: { identity: [{ $ref: 'policies/p.json' }] }, request: req('iam:GetUser', ALICE) }) + '\n');
    const run = spawnSync(process.execPath, [ADAPTER, path.join(sub, 'cases.jsonl')], { cwd: HERE, encoding: 'utf8', timeout: 60000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).decision, 'allowed');
  });

  test('answers line by line through pipes', async () => {
    const child = spawn(process.execPath, [ADAPTER], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    let buffer = '';
    const waiters = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0 && waiters.length > 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        waiters.shift()(line);
      }
    });
    const ask = (obj) =>
      new Promise((resolve) => {
        waiters.push(resolve);
        child.stdin.write((typeof obj === 'string' ? obj : JSON.stringify(obj)) + '\n');
      });
    const one = JSON.parse(await ask({ id: 1, policies: { identity: [doc(allow('iam:GetUser'))] }, request: req('iam:GetUser', ALICE) }));
    assert.equal(one.decision, 'allowed');
    const two = JSON.parse(await ask('nope'));
    assert.equal(two.errorKind, 'syntax');
    const three = JSON.parse(await ask({ id: 3, policies: {}, request: req('iam:GetUser', ALICE) }));
    assert.equal(three.decision, 'implicitDeny');
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
  });
});

describe('robustness', () => {
  test('a case that never finishes times out and the next one is answered', () => {
    // Catastrophic backtracking in the library's wildcard matching.
    const slow = {
      id: 'slow',
      policies: { identity: [doc(allow('s3:GetObject', 'arn:aws:s3:::bk/' + '*a'.repeat(25) + '*b'))] },
      request: req('s3:GetObject', 'arn:aws:s3:::bk/' + 'a'.repeat(60)),
    };
    const next = { id: 'next', policies: { identity: [doc(allow('iam:GetUser'))] }, request: req('iam:GetUser', ALICE) };
    const run = spawnSync(process.execPath, [ADAPTER], {
      cwd: dir,
      input: JSON.stringify(slow) + '\n' + JSON.stringify(next) + '\n',
      encoding: 'utf8',
      timeout: 60000,
      env: { ...process.env, IAMFUZZ_PEER_TIMEOUT_MS: '500', IAMFUZZ_PEER_QUIET: '1' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const [a, b, ...rest] = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rest, []);
    assert.equal(a.id, 'slow');
    assert.equal(a.errorKind, 'peer');
    assert.match(a.error, /timeout/);
    assert.equal(b.id, 'next');
    assert.equal(b.decision, 'allowed');
  });

  test('without the library installed: exit 1 and say to run npm ci', () => {
    const bare = path.join(dir, 'bare');
    mkdirSync(path.join(bare, 'lib'), { recursive: true });
    for (const f of ['adapter.mjs', 'lib/evaluate.mjs', 'lib/worker.mjs']) {
      writeFileSync(path.join(bare, f), readFileSync(path.join(HERE, f)));
    }
    const run = spawnSync(process.execPath, [path.join(bare, 'adapter.mjs')], { cwd: bare, input: '', encoding: 'utf8', timeout: 60000 });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /npm ci/);
  });

  test('empty input: no output, exit 0', () => {
    const run = spawnSync(process.execPath, [ADAPTER], { cwd: dir, input: '\n\n', encoding: 'utf8', timeout: 60000 });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '');
  });
});

describe('principal keys', () => {
  const cases = [
    [`arn:aws:iam::${A}:user/dev/alice`, { 'aws:PrincipalType': 'User', 'aws:username': 'alice', 'aws:PrincipalArn': `arn:aws:iam::${A}:user/dev/alice` }],
    [`arn:aws:sts::${A}:assumed-role/Admin/s1`, { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Admin` }],
    [`arn:aws:iam::${A}:role/ops/Admin`, { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalArn': `arn:aws:iam::${A}:role/ops/Admin` }],
    [`arn:aws:sts::${A}:federated-user/bob`, { 'aws:PrincipalType': 'FederatedUser', 'aws:userid': `${A}:bob`, 'aws:PrincipalArn': `arn:aws:sts::${A}:federated-user/bob` }],
    [`arn:aws:iam::${A}:root`, { 'aws:PrincipalType': 'Account', 'aws:userid': A, 'aws:PrincipalArn': `arn:aws:iam::${A}:root` }],
  ];
  for (const [arn, want] of cases) {
    test(arn, () => {
      assert.deepEqual(derivePrincipalKeys(arn).keys, { 'aws:PrincipalAccount': A, ...want });
    });
  }
  for (const bad of ['alice', `arn:aws:iam::${A}:group/g`, `arn:aws:sts::${A}:assumed-role/R`, `arn:aws:iam::${A}:user/`, `arn:aws:s3:::b`]) {
    test(`rejects ${bad}`, () => assert.throws(() => derivePrincipalKeys(bad), { kind: 'invalid-request' }));
  }
  test('context wins, without case', () => {
    const ctx = buildContext({ 'AWS:USERNAME': 'bob', n: 3, b: true, l: [1, 'x'] }, derivePrincipalKeys(ALICE).keys);
    assert.equal(ctx['AWS:USERNAME'], 'bob');
    assert.equal(ctx['aws:username'], undefined);
    assert.equal(ctx.n, '3');
    assert.equal(ctx.b, 'true');
    assert.deepEqual(ctx.l, ['1', 'x']);
  });
});
