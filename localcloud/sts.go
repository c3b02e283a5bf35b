package localcloud

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// STS (awsQuery protocol: form-encoded POST /, XML responses).

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// RootTaskPolicies are the task policies AssumeRoot accepts.
var RootTaskPolicies = []string{
	"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
	"arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
	"arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
	"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
	"arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy",
}

type xmlError struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func writeQueryError(w http.ResponseWriter, status int, typ, code, msg string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = code
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(xmlError{Xmlns: stsNamespace, Type: typ, Code: code, Message: msg, RequestID: requestID()})
}

func requestID() string {
	h := randomID(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// writeQueryResult writes <{Action}Response><{Action}Result>…</…>.
func writeQueryResult(w http.ResponseWriter, action string, result any) {
	type meta struct {
		RequestID string `xml:"RequestId"`
	}
	type envelope struct {
		XMLName  xml.Name
		Xmlns    string `xml:"xmlns,attr"`
		Result   any
		Metadata meta `xml:"ResponseMetadata"`
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(200)
	env := envelope{XMLName: xml.Name{Local: action + "Response"}, Xmlns: stsNamespace, Result: result, Metadata: meta{RequestID: requestID()}}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	_ = enc.Encode(env)
}

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type xmlAssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

func credsXML(s *Session) xmlCredentials {
	return xmlCredentials{s.AccessKeyID, s.SecretAccessKey, s.SessionToken, s.Expiration.UTC().Format("2006-01-02T15:04:05Z")}
}

// stsError is a query-protocol error (status 400/403, type Sender).
type stsError struct {
	status    int
	code, msg string
}

func (e *stsError) Error() string { return e.code + ": " + e.msg }

func validation(format string, a ...any) *stsError {
	return &stsError{400, "ValidationError", fmt.Sprintf(format, a...)}
}

func accessDenied(format string, a ...any) *stsError {
	return &stsError{403, "AccessDenied", fmt.Sprintf(format, a...)}
}

func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request, action string) {
	if v := r.PostForm.Get("Version"); v != "2011-06-15" {
		writeQueryError(w, 400, "Sender", "InvalidAction", "Could not find operation "+action+" for version "+v)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := r.PostForm
	var err error
	switch action {
	case "AssumeRole":
		err = s.assumeRole(w, r, f.Get)
	case "AssumeRoleWithWebIdentity":
		err = s.assumeRoleWithWebIdentity(w, f.Get)
	case "AssumeRoleWithSAML":
		err = s.assumeRoleWithSAML(w, f.Get)
	case "AssumeRoot":
		err = s.assumeRoot(w, r, f.Get)
	case "GetSessionToken":
		err = s.getSessionToken(w, r, f.Get)
	case "GetFederationToken":
		err = s.getFederationToken(w, r, f.Get)
	case "GetCallerIdentity":
		var c *caller
		if c, err = s.callerOf(r); err == nil {
			writeQueryResult(w, action, struct {
				XMLName xml.Name `xml:"GetCallerIdentityResult"`
				Arn     string   `xml:"Arn"`
				UserID  string   `xml:"UserId"`
				Account string   `xml:"Account"`
			}{Arn: c.arn, UserID: c.userID, Account: c.account})
		}
	default:
		writeQueryError(w, 400, "Sender", "InvalidAction", "Could not find operation "+action+" for version 2011-06-15")
		return
	}
	var ae *authError
	var se *stsError
	switch {
	case err == nil:
	case errors.As(err, &ae):
		status := 403
		if ae.code == "ExpiredToken" {
			status = 400
		}
		writeQueryError(w, status, "Sender", ae.code, ae.msg)
	case errors.As(err, &se):
		writeQueryError(w, se.status, "Sender", se.code, se.msg)
	default:
		writeQueryError(w, 500, "Receiver", "InternalFailure", "internal error")
	}
}

var sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// duration parses DurationSeconds: default def, bounds lo..hi.
func duration(v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, validation("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer", v)
	}
	if n < lo {
		return 0, validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", n, lo)
	}
	if n > hi {
		return 0, validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", n, hi)
	}
	return n, nil
}

// role looks up a role for a caller (nil caller: federated, unsigned).
func (s *Server) role(arn, callerARN, callerAccount, action string) (*Role, error) {
	if !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":role/") || !isAccountID(arnAccount(arn)) {
		return nil, validation("%s is invalid", arn)
	}
	ro, ok := s.data.roles[arn]
	denied := !ok || ro.Deny || (callerAccount != "" && len(ro.AllowAccounts) > 0 && !slices.Contains(ro.AllowAccounts, callerAccount))
	if denied {
		if callerARN == "" {
			return nil, accessDenied("Not authorized to perform %s", action)
		}
		return nil, accessDenied("User: %s is not authorized to perform: %s on resource: %s", callerARN, action, arn)
	}
	return ro, nil
}

func (s *Server) issueRole(kind string, ro *Role, sessionName string, dur int) (*Session, xmlAssumedRoleUser) {
	acct := ro.account()
	roleID := "AROA" + stableID("role:"+ro.ARN, 17)
	arn := "arn:aws:sts::" + acct + ":assumed-role/" + ro.name() + "/" + sessionName
	sess := s.issue(kind, acct, arn, roleID+":"+sessionName, time.Duration(dur)*time.Second, true)
	s.opts.logger.Info("role assumed", "kind", kind, "role", ro.ARN, "session", sessionName, "accessKeyId", sess.AccessKeyID)
	return sess, xmlAssumedRoleUser{AssumedRoleID: roleID + ":" + sessionName, Arn: arn}
}

func (s *Server) checkMFA(get func(string) string, required bool) error {
	serial, code := get("SerialNumber"), get("TokenCode")
	if serial == "" && code == "" && !required {
		return nil
	}
	if serial == "" || code == "" {
		return accessDenied("MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.")
	}
	if code != s.opts.mfaCode {
		return accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	return nil
}

func (s *Server) assumeRole(w http.ResponseWriter, r *http.Request, get func(string) string) error {
	c, err := s.callerOf(r)
	if err != nil {
		return err
	}
	if c.root {
		return accessDenied("Roles may not be assumed by root accounts.")
	}
	arn, name := get("RoleArn"), get("RoleSessionName")
	if arn == "" {
		return validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if !sessionNameRE.MatchString(name) {
		return validation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64", name)
	}
	ro, err := s.role(arn, c.arn, c.account, "sts:AssumeRole")
	if err != nil {
		return err
	}
	dur, err := duration(get("DurationSeconds"), 3600, 900, 43200)
	if err != nil {
		return err
	}
	if c.role && dur > 3600 {
		return validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if dur > ro.maxDuration() {
		return validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if ro.ExternalID != "" && get("ExternalId") != ro.ExternalID {
		return accessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.arn, arn)
	}
	if err := s.checkMFA(get, false); err != nil {
		return err
	}
	sess, user := s.issueRole("assume-role", ro, name, dur)
	sess.Chained = c.role
	writeQueryResult(w, "AssumeRole", struct {
		XMLName         xml.Name           `xml:"AssumeRoleResult"`
		Credentials     xmlCredentials     `xml:"Credentials"`
		AssumedRoleUser xmlAssumedRoleUser `xml:"AssumedRoleUser"`
		SourceIdentity  string             `xml:"SourceIdentity,omitempty"`
	}{Credentials: credsXML(sess), AssumedRoleUser: user, SourceIdentity: get("SourceIdentity")})
	return nil
}

// jwtClaims decodes a JWT's payload without verifying its signature.
func jwtClaims(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return nil, errors.New("not a JWT")
	}
	var hdr map[string]any
	for i, p := range parts[:2] {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p, "="))
		if err != nil {
			return nil, errors.New("JWT part is not base64url")
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, errors.New("JWT part is not JSON")
		}
		if i == 0 {
			hdr = m
		} else {
			if _, ok := hdr["alg"]; !ok {
				return nil, errors.New("JWT header has no alg")
			}
			return m, nil
		}
	}
	return nil, errors.New("not a JWT")
}

func (s *Server) assumeRoleWithWebIdentity(w http.ResponseWriter, get func(string) string) error {
	arn, name, tok := get("RoleArn"), get("RoleSessionName"), get("WebIdentityToken")
	if arn == "" || tok == "" {
		return validation("RoleArn and WebIdentityToken are required")
	}
	if !sessionNameRE.MatchString(name) {
		return validation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	}
	claims, err := jwtClaims(tok)
	if err != nil {
		return &stsError{400, "InvalidIdentityToken", "Couldn't parse the web identity token: " + err.Error()}
	}
	exp, ok := claims["exp"].(float64)
	if !ok {
		return &stsError{400, "InvalidIdentityToken", "The web identity token has no exp claim"}
	}
	if !s.now().Before(time.Unix(int64(exp), 0)) {
		return &stsError{400, "ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time"}
	}
	ro, err := s.role(arn, "", "", "sts:AssumeRoleWithWebIdentity")
	if err != nil {
		return err
	}
	var auds []string
	switch a := claims["aud"].(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	if ro.Audience != "" && !slices.Contains(auds, ro.Audience) {
		return &stsError{400, "InvalidIdentityToken", "Incorrect token audience"}
	}
	dur, err := duration(get("DurationSeconds"), 3600, 900, 43200)
	if err != nil {
		return err
	}
	if dur > ro.maxDuration() {
		return validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	sess, user := s.issueRole("web-identity", ro, name, dur)
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	aud := ""
	if len(auds) > 0 {
		aud = auds[0]
	}
	writeQueryResult(w, "AssumeRoleWithWebIdentity", struct {
		XMLName                     xml.Name           `xml:"AssumeRoleWithWebIdentityResult"`
		Credentials                 xmlCredentials     `xml:"Credentials"`
		SubjectFromWebIdentityToken string             `xml:"SubjectFromWebIdentityToken"`
		AssumedRoleUser             xmlAssumedRoleUser `xml:"AssumedRoleUser"`
		Provider                    string             `xml:"Provider"`
		Audience                    string             `xml:"Audience"`
	}{Credentials: credsXML(sess), SubjectFromWebIdentityToken: sub, AssumedRoleUser: user, Provider: strings.TrimPrefix(iss, "https://"), Audience: aud})
	return nil
}

var (
	samlNameID  = regexp.MustCompile(`<(?:\w+:)?NameID[^>]*>([^<]*)</`)
	samlIssuer  = regexp.MustCompile(`<(?:\w+:)?Issuer[^>]*>([^<]*)</`)
	samlSession = regexp.MustCompile(`Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"[^>]*>\s*<(?:\w+:)?AttributeValue[^>]*>([^<]*)</`)
)

func (s *Server) assumeRoleWithSAML(w http.ResponseWriter, get func(string) string) error {
	arn, principal, assertion := get("RoleArn"), get("PrincipalArn"), get("SAMLAssertion")
	if arn == "" || principal == "" || assertion == "" {
		return validation("RoleArn, PrincipalArn and SAMLAssertion are required")
	}
	if !strings.Contains(principal, ":saml-provider/") {
		return validation("PrincipalArn %s is not a SAML provider", principal)
	}
	raw, err := base64.StdEncoding.DecodeString(assertion)
	if err != nil || !strings.Contains(string(raw), "Assertion") {
		return &stsError{400, "InvalidIdentityToken", "Invalid base64 SAML response"}
	}
	ro, err := s.role(arn, "", "", "sts:AssumeRoleWithSAML")
	if err != nil {
		return err
	}
	dur, err := duration(get("DurationSeconds"), 3600, 900, 43200)
	if err != nil {
		return err
	}
	if dur > ro.maxDuration() {
		return validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	find := func(re *regexp.Regexp) string {
		if m := re.FindStringSubmatch(string(raw)); m != nil {
			return strings.TrimSpace(m[1])
		}
		return ""
	}
	subject, issuer, name := find(samlNameID), find(samlIssuer), find(samlSession)
	if name == "" {
		name = subject
	}
	if !sessionNameRE.MatchString(name) {
		name = "saml-user"
	}
	sess, user := s.issueRole("saml", ro, name, dur)
	writeQueryResult(w, "AssumeRoleWithSAML", struct {
		XMLName         xml.Name           `xml:"AssumeRoleWithSAMLResult"`
		Credentials     xmlCredentials     `xml:"Credentials"`
		AssumedRoleUser xmlAssumedRoleUser `xml:"AssumedRoleUser"`
		Subject         string             `xml:"Subject"`
		SubjectType     string             `xml:"SubjectType"`
		Issuer          string             `xml:"Issuer"`
		Audience        string             `xml:"Audience"`
		NameQualifier   string             `xml:"NameQualifier"`
	}{xml.Name{}, credsXML(sess), user, subject, "persistent", issuer, "https://signin.aws.amazon.com/saml", stableHex(issuer+principal, 28)})
	return nil
}

func (s *Server) assumeRoot(w http.ResponseWriter, r *http.Request, get func(string) string) error {
	c, err := s.callerOf(r)
	if err != nil {
		return err
	}
	target, policy := get("TargetPrincipal"), get("TaskPolicyArn.arn")
	if !isAccountID(target) {
		return validation("1 validation error detected: Value '%s' at 'targetPrincipal' failed to satisfy constraint: Member must be a 12-digit account id", target)
	}
	if !slices.Contains(RootTaskPolicies, policy) {
		return validation("The TaskPolicyArn %q is not a valid root task policy.", policy)
	}
	dur, err := duration(get("DurationSeconds"), 900, 0, 900)
	if err != nil {
		return err
	}
	if dur == 0 {
		dur = 900
	}
	if c.root {
		return accessDenied("Root sessions may not call AssumeRoot.")
	}
	if _, ok := s.data.byID[target]; !ok {
		return accessDenied("User: %s is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::%s:root", c.arn, target)
	}
	sess := s.issue("root", target, "arn:aws:iam::"+target+":root", target, time.Duration(dur)*time.Second, false)
	s.opts.logger.Info("root assumed", "target", target, "policy", policy, "accessKeyId", sess.AccessKeyID)
	writeQueryResult(w, "AssumeRoot", struct {
		XMLName     xml.Name       `xml:"AssumeRootResult"`
		Credentials xmlCredentials `xml:"Credentials"`
	}{Credentials: credsXML(sess)})
	return nil
}

func (s *Server) getSessionToken(w http.ResponseWriter, r *http.Request, get func(string) string) error {
	c, err := s.callerOf(r)
	if err != nil {
		return err
	}
	if c.role || c.kind == "session-token" {
		return accessDenied("Cannot call GetSessionToken with session credentials")
	}
	dur, err := duration(get("DurationSeconds"), 43200, 900, 129600)
	if err != nil {
		return err
	}
	if err := s.checkMFA(get, false); err != nil {
		return err
	}
	sess := s.issue("session-token", c.account, c.arn, c.userID, time.Duration(dur)*time.Second, false)
	s.opts.logger.Info("session token issued", "user", c.arn, "mfa", get("SerialNumber") != "", "accessKeyId", sess.AccessKeyID)
	writeQueryResult(w, "GetSessionToken", struct {
		XMLName     xml.Name       `xml:"GetSessionTokenResult"`
		Credentials xmlCredentials `xml:"Credentials"`
	}{Credentials: credsXML(sess)})
	return nil
}
