package aws

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// stsClient makes STS calls (the Query protocol: a signed form POST, an
// XML answer) for one chain step, an integration or an ambient resolution.
// See apiCall for why this is not the SDK's sts package.
type stsClient struct {
	a        *auth.Authenticator
	region   string
	endpoint string            // "" = the STS endpoint of region
	creds    *auth.Credentials // nil for unsigned calls (web identity, SAML)
}

// stsVersion is the Query API version every STS action is sent with.
const stsVersion = "2011-06-15"

// stepSTS is the STS client of a chain step: its region and endpoint,
// signed with creds (nil: unsigned).
func stepSTS(st *auth.Step, creds *auth.Credentials) stsClient {
	return stsClient{a: st.Auth, region: stepRegion(st), endpoint: stepEndpoint(st, svcSTS), creds: creds}
}

// stsAnswer is what the credential-issuing actions answer.
type stsAnswer struct {
	Credentials struct {
		AccessKeyID     string    `xml:"AccessKeyId"`
		SecretAccessKey string    `xml:"SecretAccessKey"`
		SessionToken    string    `xml:"SessionToken"`
		Expiration      time.Time `xml:"Expiration"`
	} `xml:"Credentials"`
	AssumedRoleARN   string `xml:"AssumedRoleUser>Arn"`
	FederatedUserARN string `xml:"FederatedUser>Arn"`
}

// credentials are the answer's keys, with the session's ARN as principal.
func (r *stsAnswer) credentials() (*auth.Credentials, error) {
	cr := r.Credentials
	if cr.AccessKeyID == "" || cr.SecretAccessKey == "" {
		return nil, errors.New("the STS answer holds no credentials")
	}
	c := awsKeys(cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken)
	if !cr.Expiration.IsZero() {
		c.Expiration = cr.Expiration.UTC()
	}
	c.Principal = r.AssumedRoleARN
	if c.Principal == "" {
		c.Principal = r.FederatedUserARN
	}
	return c, nil
}

// call sends one action with its parameters and decodes the action's
// <…Result> element into out.
func (c stsClient) call(ctx context.Context, action string, in url.Values, out any) error {
	form := url.Values{}
	for k, v := range in {
		form[k] = v
	}
	form.Set("Action", action)
	form.Set("Version", stsVersion)
	call := c.apiCall(action, http.MethodPost, "/", []byte(form.Encode()))
	call.header = map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	data, err := call.send(ctx, c.a)
	if err != nil {
		return err
	}
	if err := queryResult(data, action+"Result", out); err != nil {
		return call.wrap(fmt.Errorf("the answer is not the expected XML: %w", err))
	}
	return nil
}

func (c stsClient) apiCall(action, method, path string, body []byte) apiCall {
	call := apiCall{service: "STS", op: action, region: c.region, endpoint: c.endpoint, host: "sts", method: method, path: path, body: body, errorOf: queryErrorOf}
	if c.creds != nil {
		call.signing, call.creds = "sts", c.creds
	}
	return call
}

// issue calls an action that answers credentials.
func (c stsClient) issue(ctx context.Context, action string, in url.Values) (*auth.Credentials, error) {
	var r stsAnswer
	if err := c.call(ctx, action, in, &r); err != nil {
		return nil, err
	}
	cr, err := r.credentials()
	if err != nil {
		return nil, c.apiCall(action, "", "", nil).wrap(err)
	}
	return cr, nil
}

// assumeRole: RoleArn, RoleSessionName, ExternalId, DurationSeconds,
// SerialNumber, TokenCode.
func (c stsClient) assumeRole(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "AssumeRole", in)
}

// assumeRoleWithWebIdentity (unsigned): RoleArn, RoleSessionName,
// WebIdentityToken, DurationSeconds.
func (c stsClient) assumeRoleWithWebIdentity(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "AssumeRoleWithWebIdentity", in)
}

// assumeRoleWithSAML (unsigned): RoleArn, PrincipalArn, SAMLAssertion,
// DurationSeconds.
func (c stsClient) assumeRoleWithSAML(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "AssumeRoleWithSAML", in)
}

// getSessionToken: DurationSeconds, SerialNumber, TokenCode.
func (c stsClient) getSessionToken(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "GetSessionToken", in)
}

// getFederationToken: Name, Policy, DurationSeconds.
func (c stsClient) getFederationToken(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "GetFederationToken", in)
}

// assumeRoot: TargetPrincipal, TaskPolicyArn.arn, DurationSeconds.
func (c stsClient) assumeRoot(ctx context.Context, in url.Values) (*auth.Credentials, error) {
	return c.issue(ctx, "AssumeRoot", in)
}

// getCallerIdentity returns the caller's ARN and account.
func (c stsClient) getCallerIdentity(ctx context.Context) (arn, account string, err error) {
	var r struct {
		Arn     string `xml:"Arn"`
		Account string `xml:"Account"`
	}
	if err := c.call(ctx, "GetCallerIdentity", nil, &r); err != nil {
		return "", "", err
	}
	return r.Arn, r.Account, nil
}

// presignGetCallerIdentity is a GetCallerIdentity URL signed in its query
// (what EKS tokens carry), with extra headers signed in and the signature
// valid for expires.
func (c stsClient) presignGetCallerIdentity(ctx context.Context, header map[string]string, expires time.Duration) (string, error) {
	call := c.apiCall("GetCallerIdentity", http.MethodGet,
		queryString("/", url.Values{"Action": {"GetCallerIdentity"}, "Version": {stsVersion},
			"X-Amz-Expires": {strconv.Itoa(int(expires / time.Second))}}), nil)
	call.header = header
	return call.presign(ctx)
}

// seconds is a DurationSeconds parameter ("" leaves it out).
func seconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.Itoa(int(d / time.Second))
}

// params builds Query parameters, leaving out empty values.
func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

// queryResult decodes the element named result (the child of the answer's
// root) into out.
func queryResult(data []byte, result string, out any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return fmt.Errorf("no <%s> element", result)
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == result {
			return d.DecodeElement(out, &se)
		}
	}
}

// queryErrorOf reads an error answer of the Query protocol:
// <ErrorResponse><Error><Code>…</Code><Message>…</Message></Error></ErrorResponse>.
func queryErrorOf(_ *http.Response, data []byte) (code, msg string) {
	var r struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	if xml.Unmarshal(data, &r) != nil {
		return "", ""
	}
	return strings.TrimSpace(r.Code), strings.TrimSpace(r.Message)
}
