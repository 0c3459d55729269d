package model

import "strings"

// rcpServices are the service prefixes whose actions RCPs apply to: the list
// "RCPs apply to actions for the following AWS services" on AWS's RCP page
// (docs/semantics.md §3.3 rule 3, source RCP; the page's text of 2026-09-26).
// An RCP naming another service's actions has no effect on them. AWS adds
// services to the list: a result that skips the RCPs carries the note
// rcp-not-applicable, so that a reader sees which list decided.
var rcpServices = map[string]bool{
	"aoss": true, "appconfig": true, "appstream": true, "autoscaling": true,
	"autoscaling-plans": true, "budgets": true, "clouddirectory": true,
	"cloudfront": true, "cloudsearch": true, "cloudtrail-data": true,
	"codeartifact": true, "codebuild": true, "codecommit": true, "codepipeline": true,
	"cognito-identity": true, "cognito-idp": true, "comprehend": true,
	"comprehendmedical": true, "compute-optimizer": true, "cost-optimization-hub": true,
	"dax": true, "dsql": true, "dynamodb": true, "ecr": true, "ecr-public": true,
	"events": true, "firehose": true, "fis": true, "fms": true, "gamelift": true,
	"health": true, "inspector-scan": true, "kendra": true, "kinesisvideo": true,
	"kms": true, "logs": true, "memorydb": true, "networkmonitor": true,
	"notifications": true, "opensearch": true, "pca-connector-ad": true,
	"personalize": true, "polly": true, "pricing": true, "resource-groups": true,
	"rolesanywhere": true, "s3": true, "secretsmanager": true, "servicediscovery": true,
	"signin": true, "sqs": true, "sts": true, "support": true, "swf": true,
	"textract": true, "timestream-influxdb": true, "transcribe": true, "transfer": true,
	"translate": true, "wafv2": true, "workspaces": true, "xray": true,
}

// rcpExempt are actions of listed services that RCPs do not impact (the RCP
// page's table: "RCPs do not impact the kms:RetireGrant permission").
var rcpExempt = map[string]bool{"kms:retiregrant": true}

// rcpApplies reports whether AWS applies RCPs to a request for the action,
// given lower-cased (docs/semantics.md §3.3 rule 3).
func rcpApplies(lowerAction string) bool {
	svc, _, _ := strings.Cut(lowerAction, ":")
	return rcpServices[svc] && !rcpExempt[lowerAction]
}

// RCPScope returns the action patterns RCPs apply to and those of the exempt
// actions, so that a caller grouping actions (the proof's partition) can keep
// the actions RCPs apply to apart from the rest.
func RCPScope() (services, exempt []string) {
	for s := range rcpServices {
		services = append(services, s+":*")
	}
	for a := range rcpExempt {
		exempt = append(exempt, a)
	}
	return services, exempt
}
