package localcloud

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The SSO portal API (service "sso", restJson1, bearer token in the
// x-amz-sso_bearer_token header).

func writePortalError(w http.ResponseWriter, status int, typ, msg string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.code = typ
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// page applies next_token/max_result pagination over n items.
func page(w http.ResponseWriter, r *http.Request, n int) (start, end int, next string, ok bool) {
	q := r.URL.Query()
	if t := q.Get("next_token"); t != "" {
		v, err := strconv.Atoi(t)
		if err != nil || v < 0 || v > n {
			writePortalError(w, 400, "InvalidRequestException", "invalid next token")
			return 0, 0, "", false
		}
		start = v
	}
	max := 100
	if m := q.Get("max_result"); m != "" {
		v, err := strconv.Atoi(m)
		if err != nil || v < 1 || v > 100 {
			writePortalError(w, 400, "InvalidRequestException", "max_result must be between 1 and 100")
			return 0, 0, "", false
		}
		max = v
	}
	end = min(start+max, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, true
}

func (s *Server) servePortal(w http.ResponseWriter, r *http.Request, op string) {
	tok := r.Header.Get("x-amz-sso_bearer_token")
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.validAccessToken(tok)
	if at == nil {
		writePortalError(w, 401, "UnauthorizedException", "Session token not found or invalid")
		return
	}
	q := r.URL.Query()
	switch op {
	case "ListAccounts":
		accts := s.sortedAccounts()
		start, end, next, ok := page(w, r, len(accts))
		if !ok {
			return
		}
		list := make([]map[string]string, 0, end-start)
		for _, a := range accts[start:end] {
			list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
		}
		out := map[string]any{"accountList": list}
		if next != "" {
			out["nextToken"] = next
		}
		writeJSON(w, 200, out)
	case "ListAccountRoles":
		a, ok := s.data.byID[q.Get("account_id")]
		if !ok {
			writePortalError(w, 404, "ResourceNotFoundException", "account not found")
			return
		}
		start, end, next, ok := page(w, r, len(a.PermissionSets))
		if !ok {
			return
		}
		list := make([]map[string]string, 0, end-start)
		for _, ps := range a.PermissionSets[start:end] {
			list = append(list, map[string]string{"roleName": ps, "accountId": a.ID})
		}
		out := map[string]any{"roleList": list}
		if next != "" {
			out["nextToken"] = next
		}
		writeJSON(w, 200, out)
	case "GetRoleCredentials":
		a, ok := s.data.byID[q.Get("account_id")]
		role := q.Get("role_name")
		if !ok || !slices.Contains(a.PermissionSets, role) {
			writePortalError(w, 403, "ForbiddenException", "No access")
			return
		}
		sess := s.issue("sso", a.ID, ssoRoleARN(a.ID, role, s.opts.userName), ssoRoleID(a.ID, role)+":"+s.opts.userName, time.Hour, true)
		s.opts.logger.Info("role credentials issued", "account", a.ID, "role", role, "accessKeyId", sess.AccessKeyID)
		writeJSON(w, 200, map[string]any{"roleCredentials": map[string]any{
			"accessKeyId":     sess.AccessKeyID,
			"secretAccessKey": sess.SecretAccessKey,
			"sessionToken":    sess.SessionToken,
			"expiration":      sess.Expiration.UnixMilli(),
		}})
	case "Logout":
		s.revokeLogin(at)
		s.opts.logger.Info("logout", "clientId", at.clientID)
		w.WriteHeader(200)
	}
}

func (s *Server) sortedAccounts() []Account {
	out := append([]Account(nil), s.data.accounts...)
	slices.SortFunc(out, func(a, b Account) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// ssoRoleName is the IAM role Identity Center creates for a permission set.
func ssoRoleName(account, permissionSet string) string {
	return "AWSReservedSSO_" + permissionSet + "_" + stableHex(account+"/"+permissionSet, 16)
}

func ssoRoleARN(account, permissionSet, user string) string {
	return "arn:aws:sts::" + account + ":assumed-role/" + ssoRoleName(account, permissionSet) + "/" + user
}

func ssoRoleID(account, permissionSet string) string {
	return "AROA" + stableID("role:"+account+"/"+permissionSet, 17)
}
