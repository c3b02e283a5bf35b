package localcloud

import (
	"fmt"
	"html"
	"net/http"
)

// An ADFS-style forms sign-in, following AD FS's IdP-initiated sign-on page
// (/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices) as
// saml2aws's ADFS provider reads it: a form with UserName, Password and
// AuthMethod=FormsAuthentication posted back to the page; a wrong password
// shows the form again with an errorText; a right one answers the
// auto-posting "hiddenform" with the SAMLResponse for AWS. A signed-in
// session (cookie) skips the form. What it leaves out: MFA adapters, home
// realm discovery, Kerberos (integrated Windows authentication).

const adfsErrorText = "Incorrect user ID or password. Type the correct user ID and password, and try again."

func (s *Server) adfsSignOn(w http.ResponseWriter, r *http.Request) {
	if err := s.saml.init(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if r.URL.Query().Get("loginToRp") != "urn:amazon:webservices" {
		http.Error(w, "unknown relying party", http.StatusBadRequest)
		return
	}
	if user := s.saml.sessionUser(r); user != "" {
		s.writeSAMLPost(w, user)
		return
	}
	errText := ""
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		user := r.PostForm.Get("UserName")
		if _, ok := samlUsers[user]; ok && r.PostForm.Get("Password") == DefaultSAMLPassword && r.PostForm.Get("AuthMethod") == "FormsAuthentication" {
			setSAMLSession(w, s.saml.newSession(user))
			s.writeSAMLPost(w, user)
			return
		}
		errText = adfsErrorText
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	action := "/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=" + randHex(8)
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Sign In</title></head><body><div id="loginArea"><form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" action="%s">
<div id="error" class="fieldMargin error smallText"><span id="errorText" for="">%s</span></div>
<input id="userNameInput" name="UserName" type="email" value="" tabindex="1" placeholder="someone@example.com"/>
<input id="passwordInput" name="Password" type="password" tabindex="2" placeholder="Password" autocomplete="off"/>
<input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
<span id="submitButton" class="submit" tabindex="4" role="button">Sign in</span></form></div></body></html>`, html.EscapeString(action), html.EscapeString(errText))
}
