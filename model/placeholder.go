package model

import "strconv"

// A policy copied from documentation or a template often keeps the example's
// stand-in for the account: arn:aws:iam::xxxxxxxxxxxx:user/..., ACCOUNT-ID,
// <account>. IAM stores it, and the ARN or principal matches no real account:
// an Allow grants nothing, a Deny protects nothing, without a word. The account
// of AWS's own examples (123456789012, 111122223333) is a real-shaped id and is
// not warned about; the reader decides whether it was meant.

// placeholderAccount reports whether an ARN's account segment (or an AWS
// principal given as an account) is not an account id: not 12 digits, not
// empty (S3, Route 53), not "aws" or "aws-…" (what AWS owns, its managed
// policies), not a pattern or a variable, and not a placeholder of package
// source ("UNRESOLVED-…", which its notes explain).
func placeholderAccount(acct string) bool {
	if acct == "" || acct == "aws" || len(acct) > 4 && acct[:4] == "aws-" || len(acct) > 11 && acct[:11] == "UNRESOLVED-" {
		return false
	}
	digits := len(acct) == 12
	for i := 0; i < len(acct); i++ {
		switch c := acct[i]; {
		case c == '*' || c == '?' || c == '$':
			return false
		case c < '0' || c > '9':
			digits = false
		}
	}
	return !digits
}

// warnPlaceholderAccount warns about an ARN whose account segment acct is a
// placeholder (placeholderAccount).
func (p *parser) warnPlaceholderAccount(path string, off int64, v, acct string) {
	if placeholderAccount(acct) {
		p.warn(path, off, "placeholder-account", strconv.Quote(v)+": the account "+strconv.Quote(acct)+
			" is not a 12-digit account id; it looks like a placeholder left in, and matches no real account")
	}
}

// uniqueID reports whether an AWS principal is an IAM unique id (AIDA…,
// AROA…: what a trust policy shows once the role or user it named is
// deleted), not an account.
func uniqueID(v string) bool {
	if len(v) < 16 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// arnAccount is an ARN's account segment, the text between its fourth and
// fifth colons ("" when it has fewer): the fast path of validateResource reads
// it without splitting.
func arnAccount(arn string) string {
	n, start := 0, 0
	for i := 0; i < len(arn); i++ {
		if arn[i] != ':' {
			continue
		}
		n++
		switch n {
		case 4:
			start = i + 1
		case 5:
			return arn[start:i]
		}
	}
	return ""
}
