package aws

import "strings"

// partition is what differs between AWS partitions for the hosts we build.
type partition struct {
	name       string // aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b
	dnsSuffix  string // amazonaws.com
	signinHost string // signin.aws.amazon.com ("" where no public console exists)
	consoleURL string // https://console.aws.amazon.com
}

// partitionOf is the partition of a region name ("" or unknown: aws).
func partitionOf(region string) partition {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return partition{"aws-cn", "amazonaws.com.cn", "signin.amazonaws.cn", "https://console.amazonaws.cn"}
	case strings.HasPrefix(region, "us-gov-"):
		return partition{"aws-us-gov", "amazonaws.com", "signin.amazonaws-us-gov.com", "https://console.amazonaws-us-gov.com"}
	case strings.HasPrefix(region, "us-isob-"):
		return partition{"aws-iso-b", "sc2s.sgov.gov", "", ""}
	case strings.HasPrefix(region, "us-iso-"):
		return partition{"aws-iso", "c2s.ic.gov", "", ""}
	}
	return partition{"aws", "amazonaws.com", "signin.aws.amazon.com", "https://console.aws.amazon.com"}
}
