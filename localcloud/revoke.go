package localcloud

// RevokeCredentials revokes every AWS credential issued so far, as deleting
// a role session or an access key does on AWS: requests signed with them get
// InvalidClientTokenId although they have not expired.
func (s *Server) RevokeCredentials() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.creds {
		c.revoked = true
	}
}

// RevokeAccessTokens revokes every SSO access token (the portal answers
// UnauthorizedException); refresh tokens still work.
func (s *Server) RevokeAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.access {
		t.revoked = true
	}
}

// Secrets returns every secret value the server has issued: client ids and
// secrets, device codes, access and refresh tokens, access key ids, secret
// keys and session tokens (revoked ones included). Tests use it to check
// that none of them reached an endpoint that should never see them.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.clients {
		out = append(out, c.id, c.secret)
	}
	for code := range s.devices {
		out = append(out, code)
	}
	for t := range s.access {
		out = append(out, t)
	}
	for t := range s.refresh {
		out = append(out, t)
	}
	for _, c := range s.creds {
		out = append(out, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
	return out
}
