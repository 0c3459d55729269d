package partition

// Role paths: a real role may have a path, and its sessions' aws:PrincipalArn
// is the role's ARN with it (arn:aws:iam::A:role/aws-reserved/sso.amazonaws.com/
// AWSReservedSSO_…, docs/semantics.md §6.1), while the session's own ARN
// (arn:aws:sts::A:assumed-role/N/S) has none. So the role sessions are drawn
// from the language of role ARNs, paths included (principals): a condition on
// aws:PrincipalArn that tells a role with a path from one without
// (ArnNotLike …:role/aws-reserved/*, exempting Identity Center roles from a
// Deny) divides them like any other. The model cannot see the path in the
// session's ARN and derives aws:PrincipalArn without it, so the classes of a
// session of a role with a path carry the role's ARN as aws:PrincipalArn in
// their context (withRoleARN), as AWS's requests do.
