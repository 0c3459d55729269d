// Package model is the IAM policy language and iamfuzz's reference evaluator of
// IAM semantics. Everything else in iamfuzz stands on it: an invariant verdict
// from a wrong evaluator is worse than none, so every rule here follows
// docs/semantics.md (the rule book, each rule sourced) and is pinned by cases in
// corpus/cases.
//
// Parse reads a policy document strictly: duplicate keys, unknown elements, wrong
// JSON types and every write-time defect of docs/semantics.md §1.4 are errors that
// name the JSON path (Statement[2].Condition.BoolIfExists) and the byte offset, and
// all errors of a document are reported together. Marshal writes a policy back in
// the form it was written. Compile prepares a policy once; an Evaluator then decides
// a request in about 170 ns without allocating, and Explain traces every statement.
//
// # Decision procedure
//
// Identity policies, at most one permissions boundary, SCP levels (root first,
// every level must allow), resource-based policies and RCP levels of the
// resource's account (docs/semantics.md §3.3, §3.4): an applicable Deny anywhere is
// explicitDeny (RCPs only deny: their Allow, RCPFullAWSAccess, is implied at every
// level); then every SCP level needs an applicable Allow; then, in the principal's own account, a resource-based policy
// that names the caller's own ARN (or "*") allows on its own, a grant to the role
// behind a session counts like an identity Allow, and otherwise an identity Allow is
// needed, inside the boundary. A resource in another account needs both an identity
// Allow (inside the boundary) and a resource-based policy that names the caller,
// its role or its account. The root user has full access unless denied or limited
// by an SCP.
//
// Role trust policies and KMS key policies are the exception (docs/semantics.md
// §3.3 rule 5): for an STS action on a role and for a request on a KMS key, a
// given trust or key policy must allow the caller, its role or its account; an
// identity Allow alone, or the root user, is not enough. The resource-based policy
// of a request on a role is that role's trust policy and is parsed as a
// TrustPolicy: no Resource element, a Principal and no NotPrincipal. A case on a
// role or key that gives no such policy is decided on its policies, with the note
// resource-policy-not-given. A resource owned by AWS (account "aws") is no other
// account's: the identity Allow decides. A federated-user session has no
// permissions without a session policy (rule 7); a bundle without one decides
// it on the given policies, with the note session-policy-not-given when they
// allow it.
//
// # Choices where AWS documents nothing (UNDEF)
//
// Each choice below is made deliberately and the result carries the named UNDEF
// reason (Result.Undef), so that differential runs skip it instead of comparing:
//
//   - scp-implicit-deny: an SCP level without an applicable Allow gives
//     implicitDeny. AWS calls it a final deny but does not say which label the
//     simulator reports.
//   - multivalued-without-set-operator: a multi-valued context key (a list) under a
//     negated operator without ForAllValues:/ForAnyValue:. A list never matches
//     such an operator, so the negated operator is true. Under a positive operator
//     the list is false, which is not UNDEF: AWS's policy simulator answered
//     implicitDeny for ["t2.micro"] under StringLike "t2.*".
//   - set-operator-with-ifexists: ForAnyValue:…IfExists on a missing key is true
//     (IfExists wins over ForAnyValue's "false when missing").
//   - type-mismatch: a Bool, Numeric, Date, IP or Binary value that does not parse
//     (in the policy or the request), or an Arn operator on a value that is not an
//     ARN, never matches, so a negated operator is true.
//     Bool and Null accept "true"/"false" in any case, marked unless lower-case;
//     numbers are decimal (no exponent); dates are the W3C ISO 8601 profiles or
//     epoch seconds, and a time without a zone (read as UTC) or a lower-case t or
//     z (read as T and Z), which the profiles do not have, is marked, as is a
//     four-digit value (a year, and epoch seconds too; read as a year); an IPv6
//     address with a zone does not parse, an IPv4-mapped IPv6 address is read as
//     its IPv4 address, marked, and a bare IPv6 address as a /128, marked (AWS
//     names only /32 for a bare address).
//   - variable-in-bool: policy variables in Bool values are substituted (the
//     operators page allows it, the variables page does not list Bool).
//   - wildcard-in-arn-prefix: a '*' that is not the last character of one of an ARN
//     pattern's first five segments matches within the segment, and '?' there
//     matches one character other than ':' (the rule book's regex algorithm).
//   - wildcard-in-variable-value: a substituted value is always literal text, even
//     when it contains '*' or '?'.
//   - variable-in-arn-prefix: a policy variable in the region or account segment of
//     a Resource ARN is substituted like one in the resource part. AWS documents
//     variables only in the resource part, but its own managed policies use
//     ${aws:PrincipalAccount} as the account (corpus case mgd-01).
//   - empty-value-list: a context key given as an empty list, under an operator
//     without a set qualifier: a positive operator is false, a negated one true.
//   - empty-condition: "Condition": {} or an operator without keys counts as no
//     condition.
//   - null-on-empty-value: Null counts a key given as "" (or an empty list, or a
//     list of empty strings) as present.
//   - empty-string-in-set: a multi-valued key given as [""] under
//     ForAllValues:/ForAnyValue: is an empty set, as the empty string is.
//   - short-resource-arn: a Resource ARN with fewer than six fields whose last is
//     not a lone '*' (arn:aws:s3) is matched as written, so it matches nothing.
//   - multivalued-variable: a policy variable whose key the request gives as a
//     list (AWS: a multivalued key cannot be a variable) has no value, as an
//     absent key: its default applies, else a Resource entry matches nothing and
//     a negated operator holds.
//   - notprincipal-without-parent: a Deny's NotPrincipal that lists the caller but
//     not its account (or a role session but not its role) leaves the caller out;
//     AWS says the Deny might then still apply.
//
// Null with ForAllValues:/ForAnyValue: is accepted (IAM rejects only Null…IfExists)
// and follows the set rules: a missing key or an empty set makes ForAllValues true
// and ForAnyValue false; otherwise every value is present.

// # Other documented choices
//
//   - Principal keys are derived from the principal ARN (docs/eval-format.md): for a
//     role session aws:PrincipalArn is the role's ARN without a path, because the
//     session ARN does not carry it; aws:userid is the ARN's where it is part of
//     it (root, federated users) and otherwise made up from the ARN (AIDA… for
//     users, AROA…:SESSION for role sessions; docs/semantics.md §13
//     derived-unique-id).
//   - An empty Action, NotAction, Resource or NotResource list is an error, like a
//     missing one. Empty condition value lists are allowed and follow §5.4.
//   - A policy variable whose key is the empty string has no value, as a missing
//     key (AWS: "has no value or is not present ... effectively null"): its default
//     stands for it, or it matches nothing (negated operators hold).
//   - A policy without Version 2012-10-17 treats ${…} as literal text (with a
//     warning); '*' and '?' in that text still act as wildcards.
//   - The root user calling sts:AssumeRole gets implicitDeny whatever the policies
//     allow, with the note root-cannot-assume-role: AWS refuses root user
//     credentials for AssumeRole (docs/semantics.md §3.3 rule 10).
//   - sts:GetSessionToken and sts:GetCallerIdentity are decided by policy logic and
//     the result carries the note not-enforced: AWS does not check policies for them.
//   - Condition operator names and element names are case-sensitive; condition key
//     names are not.
//   - RCPs given with a case apply to the actions of the services AWS's RCP page
//     lists (rcp.go), kms:RetireGrant excepted; for other actions they are left out
//     and the result carries the note rcp-not-applicable. iamfuzz cannot know
//     whether the resource's account is an organization member or the management
//     account (where RCPs do not apply). Session policies are not modelled; a case
//     naming one is rejected.
//   - Characters outside TAB, LF, CR and U+0020–U+00FF are rejected, as IAM does.
package model
