package engine

import (
	"strings"
	"time"
)

var awsAssumeRootKind = &KindInfo{Name: "aws/assume-root", Role: RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Accepts: []string{CredAWS}, New: func() any { return &AWSAssumeRoot{} }}

// RootTaskPolicies are the only task policies sts:AssumeRoot accepts.
var RootTaskPolicies = []string{
	"IAMAuditRootUserCredentials",
	"IAMCreateRootUserPassword",
	"IAMDeleteRootUserCredentials",
	"S3UnlockBucketPolicy",
	"SQSUnlockQueuePolicy",
}

// AssumeRootMax is sts:AssumeRoot's longest session.
const AssumeRootMax = 15 * time.Minute

// AWSAssumeRoot is centralised root access to a member account.
type AWSAssumeRoot struct {
	IdentityBase `yaml:",inline"`
	Principal    struct {
		TargetPrincipal string   `yaml:"target_principal"`
		TaskPolicyARN   string   `yaml:"task_policy_arn"`
		Duration        Duration `yaml:"duration"`
		Region          string   `yaml:"region"`
	} `yaml:"principal"`
	Spec AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSAssumeRoot) validate(c *fieldChecker) {
	p := s.Principal
	if c.required("principal.target_principal", p.TargetPrincipal) {
		c.accountID("principal.target_principal", p.TargetPrincipal)
	}
	if c.required("principal.task_policy_arn", p.TaskPolicyARN) && !validRootTaskPolicy(p.TaskPolicyARN) {
		c.errf("principal.task_policy_arn", "use arn:aws:iam::aws:policy/root-task/<name> with one of "+strings.Join(RootTaskPolicies, ", "),
			"principal.task_policy_arn: %q is not an AWS root-task policy", p.TaskPolicyARN)
	}
	if p.Duration.IsSet() && p.Duration.Duration > AssumeRootMax {
		c.errf("principal.duration", "use 15m or less", "principal.duration: %s is longer than the 15m sts:AssumeRoot allows", p.Duration.Raw)
	}
	c.region("principal.region", p.Region)
	s.Spec.check(c, "spec")
}

func validRootTaskPolicy(arn string) bool {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return false
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok || !strings.HasPrefix(partition, "aws") {
		return false
	}
	name, ok := strings.CutPrefix(rest, "iam::aws:policy/root-task/")
	if !ok {
		return false
	}
	for _, p := range RootTaskPolicies {
		if name == p {
			return true
		}
	}
	return false
}
