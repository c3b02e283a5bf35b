package engine

import "strings"

// Describe returns a one-line, secret-free summary of an entry for list
// output: the account and role, the role ARN, the start URL… Never a key.
func Describe(e *Entry) string {
	switch s := e.Spec.(type) {
	case *AWSSSOProvider:
		return s.StartURL + " (" + s.Region + ")"
	case *AWSSAMLProvider:
		return s.URL
	case *GitHubOIDCProvider:
		if s.Spec.Audience != "" {
			return "audience " + s.Spec.Audience
		}
		return "GitHub Actions OIDC token"
	case *GCPADCProvider:
		return joinNonEmpty(labelled("project ", s.Settings().ProjectID), s.Settings().Region)
	case *GCPWIFProvider:
		st := s.Settings()
		return "pool " + st.WorkloadIdentityPoolID + "/" + st.WorkloadIdentityProviderID
	case *AzureProvider:
		return "tenant " + s.Spec.TenantID
	case *AzureOIDCProvider:
		return "tenant " + s.Spec.TenantID
	case *AWSPermissionSet:
		acct := s.Principal.Account.Name
		if acct == "" {
			acct = s.Principal.Account.ID
		}
		return s.Principal.Name + " @ " + acct
	case *AWSAssumeRole:
		return s.Principal.AssumeRole
	case *AWSAssumeRoot:
		name := s.Principal.TaskPolicyARN
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		return "root of " + s.Principal.TargetPrincipal + " (" + name + ")"
	case *AWSUser:
		d := "IAM user"
		if s.Credentials.MFAARN != "" {
			d += " with MFA"
		}
		return d
	case *AWSAmbient:
		return joinNonEmpty("AWS SDK default chain", s.Principal.Region)
	case *Ambient:
		return "environment passed through"
	case *AzureSubscription:
		return "subscription " + s.Principal.SubscriptionID
	case *GCPServiceAccount:
		return s.Principal.ServiceAccountEmail
	case *GCPProject:
		return joinNonEmpty(labelled("project ", s.Principal.ProjectID), s.Principal.Region)
	case *AWSECRIntegration:
		return s.Spec.Registry.AccountID + ".dkr.ecr." + s.Spec.Registry.Region + ".amazonaws.com"
	}
	return ""
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// labelled prefixes a value with its label, or is empty when the value is.
func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + v
}
