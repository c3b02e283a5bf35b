package aws

import (
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// The sign-in and console hosts of each partition, pinned.
func TestConsolePartitionHosts(t *testing.T) {
	for _, c := range []struct{ region, fed, home string }{
		{"us-east-1", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=us-east-1"},
		{"eu-west-3", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=eu-west-3"},
		{"us-gov-west-1", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"cn-north-1", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
	} {
		p := partitionOf(c.region)
		st := &auth.Step{Auth: &auth.Authenticator{Getenv: func(string) string { return "" }}, Chain: []*config.Entry{{Name: "x", Spec: &AWSAssumeRole{}}}}
		fed, err := federationEndpoint(st, p)
		if err != nil || fed != c.fed {
			t.Errorf("%s: federation %q, %v; want %q", c.region, fed, err, c.fed)
		}
		home, err := consoleDestination("", c.region, p)
		if err != nil || home != c.home {
			t.Errorf("%s: home %q, %v; want %q", c.region, home, err, c.home)
		}
	}
	if _, err := federationEndpoint(&auth.Step{Auth: &auth.Authenticator{}, Chain: []*config.Entry{{Name: "x", Spec: &AWSAssumeRole{}}}}, partitionOf("us-iso-east-1")); err == nil {
		t.Error("aws-iso has no public console: want an error")
	}
}

func TestConsoleDestinations(t *testing.T) {
	if n := len(managedProfile{}.ConsoleDestinations()); n < 40 {
		t.Errorf("%d service aliases, want at least 40", n)
	}
	p := partitionOf("us-west-2")
	for alias, want := range map[string]string{
		"s3":     "https://console.aws.amazon.com/s3/home?region=us-west-2",
		"LOGS":   "https://console.aws.amazon.com/cloudwatch/home?region=us-west-2#logsV2:",
		"lambda": "https://console.aws.amazon.com/lambda/home?region=us-west-2",
		"https://us-west-2.console.aws.amazon.com/ec2/home": "https://us-west-2.console.aws.amazon.com/ec2/home",
	} {
		if got, err := consoleDestination(alias, "us-west-2", p); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", alias, got, err, want)
		}
	}
	for _, bad := range []string{"http://console.aws.amazon.com/", "https://console.aws.amazon.com.evil.example/", "https://user@console.aws.amazon.com/", "javascript:alert(1)", "nosuch"} {
		if _, err := consoleDestination(bad, "us-west-2", p); err == nil || !strings.Contains(err.Error(), "destination") {
			t.Errorf("%s: accepted (%v)", bad, err)
		}
	}
}
