package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// The AWS console through the federation endpoint: getSigninToken with the
// identity's session credentials (an aws/user first gets a federation
// token from its long-lived keys, as AWS requires), then the login URL
// with the destination. The endpoint is https://<partition's sign-in
// host>/federation, or AWS_ENDPOINT_URL_FEDERATION / AWS_ENDPOINT_URL (the
// local cloud serves /federation).

const (
	svcFederation = "FEDERATION"
	// signinURLLifetime: a sign-in token is good for 15 minutes.
	signinURLLifetime = 15 * time.Minute
	// Console sessions: AWS allows 15 minutes to 12 hours, and one hour at
	// most for credentials from a role chain.
	consoleMin, consoleMax, consoleChainMax = 15 * time.Minute, 12 * time.Hour, time.Hour
	// federationMax: GetFederationToken allows up to 36 hours, the console
	// session follows it (capped at 12 hours here).
	issuer = "atmos-auth"
)

// consoleServices maps an alias to its console path; the region is added
// as ?region=. At least the common services; `console --destination`
// accepts any console URL besides.
var consoleServices = map[string]string{
	"acm": "acm/home", "amplify": "amplify/home", "apigateway": "apigateway/main", "appsync": "appsync/home",
	"athena": "athena/home", "backup": "backup/home", "batch": "batch/home", "bedrock": "bedrock/home",
	"billing": "billing/home", "cloudformation": "cloudformation/home", "cloudfront": "cloudfront/v4/home",
	"cloudtrail": "cloudtrail/home", "cloudwatch": "cloudwatch/home", "codeartifact": "codesuite/codeartifact/home",
	"codebuild": "codesuite/codebuild/home", "codecommit": "codesuite/codecommit/home",
	"codedeploy": "codesuite/codedeploy/home", "codepipeline": "codesuite/codepipeline/home",
	"cognito": "cognito/v2/home", "config": "config/home", "costexplorer": "cost-management/home",
	"dynamodb": "dynamodbv2/home", "ec2": "ec2/home", "ecr": "ecr/home", "ecs": "ecs/v2/home",
	"efs": "efs/home", "eks": "eks/home", "elasticache": "elasticache/home", "elasticbeanstalk": "elasticbeanstalk/home",
	"emr": "emr/home", "eventbridge": "events/home", "fsx": "fsx/home", "glue": "glue/home",
	"guardduty": "guardduty/home", "health": "health/home", "iam": "iam/home", "inspector": "inspector/v2/home",
	"kinesis": "kinesis/home", "kms": "kms/home", "lambda": "lambda/home", "lightsail": "ls/home",
	"logs": "cloudwatch/home#logsV2:", "mq": "amazon-mq/home", "msk": "msk/home", "opensearch": "aos/home",
	"organizations": "organizations/v2/home", "quicksight": "quicksight/home", "rds": "rds/home",
	"redshift": "redshiftv2/home", "route53": "route53/v2/home", "s3": "s3/home", "sagemaker": "sagemaker/home",
	"secretsmanager": "secretsmanager/home", "securityhub": "securityhub/home", "servicequotas": "servicequotas/home",
	"ses": "ses/home", "sns": "sns/v3/home", "sqs": "sqs/v3/home", "ssm": "systems-manager/home",
	"sso": "singlesignon/home", "stepfunctions": "states/home", "support": "support/home",
	"trustedadvisor": "trustedadvisor/home", "vpc": "vpc/home", "waf": "wafv2/homev2", "xray": "xray/home",
}

// ConsoleDestinations lists the aliases, sorted.
func (managedProfile) ConsoleDestinations() []string {
	out := make([]string, 0, len(consoleServices))
	for k := range consoleServices {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// consoleDestination resolves an alias or checks a URL: it must be an
// https URL of the partition's console (the federation endpoint refuses
// others, and a link must not carry a session elsewhere).
func consoleDestination(d, region string, p partition) (string, error) {
	home := p.consoleURL + "/console/home?region=" + url.QueryEscape(region)
	if d == "" {
		return home, nil
	}
	if path, ok := consoleServices[strings.ToLower(d)]; ok {
		frag := ""
		if i := strings.IndexByte(path, '#'); i >= 0 {
			path, frag = path[:i], path[i:]
		}
		return p.consoleURL + "/" + path + "?region=" + url.QueryEscape(region) + frag, nil
	}
	u, err := url.Parse(d)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "", config.Invalid(fmt.Errorf("destination %q is neither a service alias (%s, …) nor an https console URL", d, "s3, ec2, iam, lambda, eks"))
	}
	c, _ := url.Parse(p.consoleURL)
	host := strings.ToLower(u.Hostname())
	if host != c.Host && !strings.HasSuffix(host, "."+c.Host) {
		return "", config.Invalid(fmt.Errorf("destination %q is not a console URL of %s (%s)", d, p.name, c.Host))
	}
	return u.String(), nil
}

// federationEndpoint is the federation URL for a chain.
func federationEndpoint(s *auth.Step, p partition) (string, error) {
	if e := awsEndpoint(s.Chain, svcFederation, s.Auth.Env); e != "" {
		return strings.TrimRight(e, "/") + "/federation", nil
	}
	if p.signinHost == "" {
		return "", fmt.Errorf("the %s partition has no public console sign-in", p.name)
	}
	return "https://" + p.signinHost + "/federation", nil
}

// roleChained reports whether the identity's credentials come from a role
// assumed with other role-session credentials (AWS caps those console
// sessions at one hour).
func roleChained(chain []*config.Entry) bool {
	if len(chain) < 2 {
		return false
	}
	if _, ok := chain[0].Spec.(*AWSAssumeRole); !ok {
		return false
	}
	switch chain[1].Spec.(type) {
	case *AWSAssumeRole, *AWSPermissionSet:
		return true
	}
	return false
}

// configuredConsoleDuration is console.session_duration of the chain's
// provider (IAM Identity Center), if set.
func configuredConsoleDuration(chain []*config.Entry) time.Duration {
	for _, e := range chain {
		if p, ok := e.Spec.(*AWSSSOProvider); ok && p.Console.SessionDuration.IsSet() {
			return p.Console.SessionDuration.Duration
		}
	}
	return 0
}

// ConsoleURL signs the identity in to the AWS console.
func (managedProfile) ConsoleURL(ctx context.Context, s *auth.Step, c *auth.Credentials, o auth.ConsoleOptions) (*auth.ConsoleLink, error) {
	if c == nil || c.Type != CredAWS {
		return nil, fmt.Errorf("identity %q has no AWS credentials", s.Name())
	}
	region := c.Region
	if region == "" {
		region = stepRegion(s)
	}
	p := partitionOf(region)
	dest, err := consoleDestination(o.Destination, region, p)
	if err != nil {
		return nil, err
	}
	fed, err := federationEndpoint(s, p)
	if err != nil {
		return nil, err
	}
	link := &auth.ConsoleLink{}
	dur := o.Duration
	if dur == 0 {
		dur = configuredConsoleDuration(s.Chain)
	}
	if dur != 0 && (dur < consoleMin || dur > consoleMax) {
		return nil, config.Invalid(fmt.Errorf("console session duration %s is outside AWS's 15m to 12h", dur))
	}
	akid, secret, token := keysOf(c)
	sessionDuration := dur
	if u, ok := s.Entry().Spec.(*AWSUser); ok {
		// Session credentials of an IAM user cannot sign in: a federation
		// token from the long-lived keys can (its duration is the
		// session's; SessionDuration must not be sent with it).
		akid, secret, token, err = u.federationToken(ctx, s, dur)
		if err != nil {
			return nil, err
		}
		link.Session, sessionDuration = dur, 0
		if dur == 0 {
			link.Session = consoleMax
		}
	} else if roleChained(s.Chain) && dur > consoleChainMax {
		link.Notes = append(link.Notes, fmt.Sprintf("AWS limits console sessions of role chains to 1h: %s not honoured", dur))
		sessionDuration = 0
	}
	if link.Session == 0 {
		link.Session = sessionDuration
	}
	sess, _ := json.Marshal(map[string]string{"sessionId": akid, "sessionKey": secret, "sessionToken": token})
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(sess)}}
	if sessionDuration > 0 {
		q.Set("SessionDuration", strconv.Itoa(int(sessionDuration/time.Second)))
	}
	signin, err := getSigninToken(ctx, s.Auth, fed, q)
	if err != nil {
		return nil, err
	}
	lq := url.Values{"Action": {"login"}, "Issuer": {issuer}, "Destination": {dest}, "SigninToken": {signin}}
	link.URL = fed + "?" + lq.Encode()
	link.Expires = s.Auth.Now().Add(signinURLLifetime)
	return link, nil
}

// getSigninToken calls the federation endpoint (bounded, the body read
// bounded) and returns the SigninToken.
func getSigninToken(ctx context.Context, a *auth.Authenticator, fed string, q url.Values) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fed+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	resp, err := a.HTTP().Do(req)
	if err != nil {
		// The URL carries the session: name the endpoint only.
		return "", &auth.NetworkError{Service: "federation", Operation: "getSigninToken", Endpoint: fed, Bound: a.CallTimeout(), Err: fmt.Errorf("request failed")}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return "", fmt.Errorf("getSigninToken at %s: %s: %s", fed, resp.Status, msg)
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", fmt.Errorf("getSigninToken at %s: no SigninToken in the answer", fed)
	}
	return out.SigninToken, nil
}

// federationToken gets console-capable credentials for an IAM user
// (GetFederationToken with its long-lived keys; the policy passes the
// user's own permissions through, as aws-vault does).
func (s *AWSUser) federationToken(ctx context.Context, st *auth.Step, dur time.Duration) (akid, secret, token string, err error) {
	k, sk, _, err := s.longTermKeys(st)
	if err != nil {
		return "", "", "", err
	}
	name := "atmos-auth-" + st.Name()
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@-", r) {
			return r
		}
		return '-'
	}, name)
	if len(name) > 32 {
		name = name[:32]
	}
	c, err := stepSTS(st, awsKeys(k, sk, "")).getFederationToken(ctx, params("Name", name,
		"Policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		"DurationSeconds", seconds(dur)))
	if err != nil {
		return "", "", "", err
	}
	akid, secret, token = keysOf(c)
	return akid, secret, token, nil
}
