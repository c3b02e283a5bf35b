package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

var awsAssumeRootKind = &config.KindInfo{Name: "aws/assume-root", Role: config.RoleIdentity, Cloud: "aws",
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
	config.IdentityBase `yaml:",inline"`
	managedProfile      `yaml:",inline"`
	Principal           struct {
		TargetPrincipal string          `yaml:"target_principal"`
		TaskPolicyARN   string          `yaml:"task_policy_arn"`
		Duration        config.Duration `yaml:"duration"`
		Region          string          `yaml:"region"`
	} `yaml:"principal"`
	Spec AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSAssumeRoot) Validate(c *config.Checker) {
	p := s.Principal
	if c.Required("principal.target_principal", p.TargetPrincipal) {
		checkAccountID(c, "principal.target_principal", p.TargetPrincipal)
	}
	if c.Required("principal.task_policy_arn", p.TaskPolicyARN) && !validRootTaskPolicy(p.TaskPolicyARN) {
		c.Errf("principal.task_policy_arn", "use arn:aws:iam::aws:policy/root-task/<name> with one of "+strings.Join(RootTaskPolicies, ", "),
			"principal.task_policy_arn: %q is not an AWS root-task policy", p.TaskPolicyARN)
	}
	if p.Duration.IsSet() && p.Duration.Duration > AssumeRootMax {
		c.Errf("principal.duration", "use 15m or less", "principal.duration: %s is longer than the 15m sts:AssumeRoot allows", p.Duration.Raw)
	}
	checkRegion(c, "principal.region", p.Region)
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

// authenticate calls sts:AssumeRoot (at most 15 minutes).
func (s *AWSAssumeRoot) Authenticate(ctx context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	if base == nil || base.Type != CredAWS {
		return nil, fmt.Errorf("aws/assume-root needs AWS credentials")
	}
	p := s.Principal
	d := AssumeRootMax
	if p.Duration.IsSet() && p.Duration.Duration < d {
		d = p.Duration.Duration
	}
	c, err := stepSTS(st, base).assumeRoot(ctx, params("TargetPrincipal", p.TargetPrincipal,
		"TaskPolicyArn.arn", p.TaskPolicyARN, "DurationSeconds", seconds(d)))
	if err != nil {
		return nil, err
	}
	c.Account, c.Region = p.TargetPrincipal, stepRegion(st)
	c.Principal = "arn:aws:iam::" + p.TargetPrincipal + ":root"
	c.Role = "root (" + p.TaskPolicyARN[strings.LastIndexByte(p.TaskPolicyARN, '/')+1:] + ")"
	return c, nil
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSAssumeRoot) Describe() string {
	name := s.Principal.TaskPolicyARN
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return "root of " + s.Principal.TargetPrincipal + " (" + name + ")"
}

// RegionName is the region this step names ("" for none).
func (s *AWSAssumeRoot) RegionName() string { return s.Principal.Region }
