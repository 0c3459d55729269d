// SPDX-License-Identifier: MIT
//
// Writes N simple eval cases (default 20000) to stdout, for measuring the adapter:
//   node gen-bench.mjs 20000 > /tmp/bench.jsonl && time node adapter.mjs < /tmp/bench.jsonl > /dev/null
// Deterministic (a fixed linear congruential generator); nothing here is committed as data.

const n = Number.parseInt(process.argv[2] ?? '20000', 10);
let seed = 12345;
const rnd = (k) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % k;
};
const pick = (xs) => xs[rnd(xs.length)];

const A = '111122223333';
const users = ['alice', 'bob', 'carol', 'dev/dan'];
const actions = ['iam:ChangePassword', 'iam:GetUser', 'iam:CreateAccessKey', 'iam:DeleteUser', 'iam:ListUsers', 'iam:EnableMFADevice'];
const self = `arn:aws:iam::*:user/\${aws:username}`;
const policies = [
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowOwn', Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetUser', 'iam:CreateAccessKey'], Resource: self },
      { Sid: 'DenyNoMFA', Effect: 'Deny', NotAction: ['iam:ChangePassword', 'iam:GetUser'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    ],
  },
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }] },
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }] },
];

for (let i = 0; i < n; i++) {
  const user = pick(users);
  const target = rnd(4) === 0 ? pick(users) : user;
  const action = pick(actions);
  const context = {};
  const mfa = rnd(3);
  if (mfa === 1) context['aws:MultiFactorAuthPresent'] = 'true';
  if (mfa === 2) context['aws:MultiFactorAuthPresent'] = 'false';
  const c = {
    id: `b${i}`,
    policies: { identity: [pick(policies)] },
    request: {
      principal: `arn:aws:iam::${A}:user/${user}`,
      action,
      resource: action === 'iam:ListUsers' ? '*' : `arn:aws:iam::${A}:user/${target}`,
      context,
    },
  };
  process.stdout.write(JSON.stringify(c) + '\n');
}
