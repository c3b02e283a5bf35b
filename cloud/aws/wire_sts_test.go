package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/atmos-auth/atmos-auth/auth"
)

// wireServer records what each call sends and answers as STS does.
type wireServer struct {
	mu    sync.Mutex
	forms []url.Values
	auths []string
	*httptest.Server
}

func newWireServer(t *testing.T) *wireServer {
	w := &wireServer{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			t.Errorf("content type %q", ct)
		}
		w.mu.Lock()
		w.forms = append(w.forms, r.PostForm)
		w.auths = append(w.auths, r.Header.Get("Authorization"))
		w.mu.Unlock()
		action := r.PostForm.Get("Action")
		if r.PostForm.Get("RoleArn") == "arn:aws:iam::111111111111:role/Denied" {
			rw.WriteHeader(403)
			fmt.Fprint(rw, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		if action == "GetCallerIdentity" {
			fmt.Fprint(rw, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111111111111:assumed-role/R/s</Arn><UserId>AROA:s</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
			return
		}
		fmt.Fprintf(rw, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <%[1]sResult>
    <Credentials>
      <AccessKeyId>ASIAWIRE</AccessKeyId>
      <SecretAccessKey>wire/secret+key</SecretAccessKey>
      <SessionToken>token&amp;more</SessionToken>
      <Expiration>2031-07-15T23:28:33.359Z</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/R/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
    <PackedPolicySize>6</PackedPolicySize>
  </%[1]sResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</%[1]sResponse>`, action)
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *wireServer) last(n int) []url.Values {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.forms[len(w.forms)-n:]
}

// TestSTSWireMatchesSDK: for every STS action this program calls, the
// hand-written Query call sends the same form as the AWS SDK's sts client
// with the same input, signs (or not) as it does, and reads the same
// credentials out of the answer.
func TestSTSWireMatchesSDK(t *testing.T) {
	w := newWireServer(t)
	ctx := context.Background()
	a := &auth.Authenticator{RetryBackoff: time.Millisecond}
	keys := awsKeys("AKIDWIRE", "wire-secret", "wire-token")
	sdkCfg := func(signed bool) awssdk.Config {
		c := awssdk.Config{Region: "eu-west-1", BaseEndpoint: awssdk.String(w.URL)}
		if signed {
			c.Credentials = credentials.NewStaticCredentialsProvider("AKIDWIRE", "wire-secret", "wire-token")
		} else {
			c.Credentials = awssdk.AnonymousCredentials{}
		}
		return c
	}
	signed := stsClient{a: a, region: "eu-west-1", endpoint: w.URL, creds: keys}
	unsigned := stsClient{a: a, region: "eu-west-1", endpoint: w.URL}
	sdk := sts.NewFromConfig(sdkCfg(true))
	sdkAnon := sts.NewFromConfig(sdkCfg(false))
	cases := []struct {
		name   string
		sdk    func() (*ststypes.Credentials, error)
		ours   func() (*auth.Credentials, error)
		signed bool
	}{
		{"AssumeRole", func() (*ststypes.Credentials, error) {
			o, err := sdk.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awssdk.String("arn:aws:iam::111111111111:role/R"), RoleSessionName: awssdk.String("s@x"),
				DurationSeconds: awssdk.Int32(3600), ExternalId: awssdk.String("ext id&=")})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return signed.assumeRole(ctx, params("RoleArn", "arn:aws:iam::111111111111:role/R", "RoleSessionName", "s@x", "DurationSeconds", seconds(time.Hour), "ExternalId", "ext id&="))
		}, true},
		{"AssumeRoleWithWebIdentity", func() (*ststypes.Credentials, error) {
			o, err := sdkAnon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: awssdk.String("arn:aws:iam::111111111111:role/R"),
				RoleSessionName: awssdk.String("s"), WebIdentityToken: awssdk.String("eyJ.a.b")})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return unsigned.assumeRoleWithWebIdentity(ctx, params("RoleArn", "arn:aws:iam::111111111111:role/R", "RoleSessionName", "s", "WebIdentityToken", "eyJ.a.b"))
		}, false},
		{"AssumeRoleWithSAML", func() (*ststypes.Credentials, error) {
			o, err := sdkAnon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: awssdk.String("arn:aws:iam::111111111111:role/R"),
				PrincipalArn: awssdk.String("arn:aws:iam::111111111111:saml-provider/idp"), SAMLAssertion: awssdk.String("PHNhbWw+"), DurationSeconds: awssdk.Int32(900)})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return unsigned.assumeRoleWithSAML(ctx, params("RoleArn", "arn:aws:iam::111111111111:role/R", "PrincipalArn", "arn:aws:iam::111111111111:saml-provider/idp",
				"SAMLAssertion", "PHNhbWw+", "DurationSeconds", seconds(15*time.Minute)))
		}, false},
		{"GetSessionToken", func() (*ststypes.Credentials, error) {
			o, err := sdk.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: awssdk.String("arn:aws:iam::111111111111:mfa/u"), TokenCode: awssdk.String("123456")})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return signed.getSessionToken(ctx, params("SerialNumber", "arn:aws:iam::111111111111:mfa/u", "TokenCode", "123456", "DurationSeconds", ""))
		}, true},
		{"GetFederationToken", func() (*ststypes.Credentials, error) {
			o, err := sdk.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: awssdk.String("n"), Policy: awssdk.String(`{"Version":"2012-10-17"}`), DurationSeconds: awssdk.Int32(7200)})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return signed.getFederationToken(ctx, params("Name", "n", "Policy", `{"Version":"2012-10-17"}`, "DurationSeconds", seconds(2*time.Hour)))
		}, true},
		{"AssumeRoot", func() (*ststypes.Credentials, error) {
			o, err := sdk.AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: awssdk.String("222222222222"),
				TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: awssdk.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}, DurationSeconds: awssdk.Int32(900)})
			return credsOf(o, err, func() *ststypes.Credentials { return o.Credentials })
		}, func() (*auth.Credentials, error) {
			return signed.assumeRoot(ctx, params("TargetPrincipal", "222222222222", "TaskPolicyArn.arn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials", "DurationSeconds", "900"))
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := c.sdk()
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.ours()
			if err != nil {
				t.Fatal(err)
			}
			f := w.last(2)
			if !reflect.DeepEqual(f[0], f[1]) {
				t.Errorf("form:\n sdk  %v\n ours %v", f[0], f[1])
			}
			w.mu.Lock()
			as := w.auths[len(w.auths)-2:]
			w.mu.Unlock()
			for i, h := range as {
				if c.signed != strings.HasPrefix(h, "AWS4-HMAC-SHA256 Credential=AKIDWIRE/") || c.signed && !strings.Contains(h, "/eu-west-1/sts/aws4_request") {
					t.Errorf("authorization %d (0 = sdk): %q", i, h)
				}
			}
			id, secret, token := keysOf(got)
			if id != *want.AccessKeyId || secret != *want.SecretAccessKey || token != *want.SessionToken || !got.Expiration.Equal(*want.Expiration) {
				t.Errorf("credentials %q %q %q %v, sdk %q %q %q %v", id, secret, token, got.Expiration, *want.AccessKeyId, *want.SecretAccessKey, *want.SessionToken, *want.Expiration)
			}
		})
	}

	t.Run("GetCallerIdentity", func(t *testing.T) {
		o, err := sdk.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		arn, account, err := signed.getCallerIdentity(ctx)
		if err != nil || arn != *o.Arn || account != *o.Account {
			t.Fatalf("%q %q %v", arn, account, err)
		}
		if f := w.last(2); !reflect.DeepEqual(f[0], f[1]) {
			t.Errorf("form:\n sdk  %v\n ours %v", f[0], f[1])
		}
	})

	t.Run("denied", func(t *testing.T) {
		_, sdkErr := sdk.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awssdk.String("arn:aws:iam::111111111111:role/Denied"), RoleSessionName: awssdk.String("s")})
		_, err := signed.assumeRole(ctx, params("RoleArn", "arn:aws:iam::111111111111:role/Denied", "RoleSessionName", "s"))
		var want, got codedError
		if !errors.As(sdkErr, &want) || !errors.As(err, &got) || got.ErrorCode() != want.ErrorCode() || got.ErrorMessage() != want.ErrorMessage() {
			t.Fatalf("ours %v, sdk %v", err, sdkErr)
		}
		if s := auth.ErrSummary(err); s != "AssumeRole AccessDenied: not allowed" {
			t.Errorf("summary %q", s)
		}
	})
}

func credsOf[T any](o *T, err error, f func() *ststypes.Credentials) (*ststypes.Credentials, error) {
	if err != nil {
		return nil, err
	}
	return f(), nil
}

// TestEKSPresignMatchesSDK: the EKS token's presigned GetCallerIdentity
// URL has the query and signed headers the SDK's presign client makes.
func TestEKSPresignMatchesSDK(t *testing.T) {
	ctx := context.Background()
	cl := sts.NewFromConfig(awssdk.Config{Region: "us-west-2", Credentials: credentials.NewStaticCredentialsProvider("AKIDWIRE", "wire-secret", "wire-token")})
	req, err := sts.NewPresignClient(cl).PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("x-k8s-aws-id", "prod"), func(st *middleware.Stack) error {
				return st.Build.Add(middleware.BuildMiddlewareFunc("expiry", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
					r := in.Request.(*smithyhttp.Request)
					q := r.URL.Query()
					q.Set("X-Amz-Expires", "60")
					r.URL.RawQuery = q.Encode()
					return next.HandleBuild(ctx, in)
				}), middleware.After)
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := stsClient{a: &auth.Authenticator{}, region: "us-west-2", creds: awsKeys("AKIDWIRE", "wire-secret", "wire-token")}.
		presignGetCallerIdentity(ctx, map[string]string{"x-k8s-aws-id": "prod"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := url.Parse(req.URL)
	o, _ := url.Parse(ours)
	if w.Scheme != o.Scheme || w.Host != o.Host || w.Path != o.Path {
		t.Fatalf("url %s, sdk %s", ours, req.URL)
	}
	wq, oq := w.Query(), o.Query()
	for _, q := range []url.Values{wq, oq} {
		q.Del("X-Amz-Date")
		q.Del("X-Amz-Signature")
		q.Del("X-Amz-Credential") // holds the date
	}
	if !reflect.DeepEqual(wq, oq) {
		t.Errorf("query:\n sdk  %v\n ours %v", wq, oq)
	}
	if !strings.HasPrefix(o.Query().Get("X-Amz-Credential"), "AKIDWIRE/") || !strings.HasSuffix(o.Query().Get("X-Amz-Credential"), "/us-west-2/sts/aws4_request") {
		t.Errorf("credential %q", o.Query().Get("X-Amz-Credential"))
	}
}

// codedError is what ours and the SDK's API errors both have: an AWS
// error code and message.
type codedError interface {
	error
	ErrorCode() string
	ErrorMessage() string
}
