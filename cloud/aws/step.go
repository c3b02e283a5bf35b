package aws

import "github.com/atmos-auth/atmos-auth/auth"

// region is the AWS region for this step: the nearest one along the chain.
func stepRegion(s *auth.Step) string {
	if r := AWSRegion(s.Chain); r != "" {
		return r
	}
	return DefaultAWSRegion
}

func stepEndpoint(s *auth.Step, service string) string {
	return awsEndpoint(s.Chain, service, s.Auth.Env)
}

// regionAfter is the region a step's output carries: the chain's region,
// else the region the step ran in.
func regionAfter(s *auth.Step, ran string) string {
	if r := AWSRegion(s.Chain); r != "" {
		return r
	}
	if ran != "" {
		return ran
	}
	return DefaultAWSRegion
}
