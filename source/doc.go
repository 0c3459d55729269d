// Package source reads IAM policies where teams keep them: bare policy JSON,
// CloudFormation templates (JSON or YAML, CDK's cdk.out/*.template.json included)
// and Terraform plans (terraform show -json). It turns a file into named policies,
// each with its kind (identity, trust, resource) and a map from positions in the
// extracted document back to line and column in the file, so that a finding points
// at the template's own line or names the plan address.
//
// source only finds documents and maps positions: package model parses and
// validates the policy JSON itself. Values that cannot be known offline (a
// parameter without a default, Fn::GetAtt, Fn::ImportValue) become clearly named
// placeholders, listed in the policy's Notes, never guessed values.
//
// Importing source also lets model resolve {"$ref": "template.yaml#LogicalId"} in
// eval cases (see SetRefReader in model).
package source
