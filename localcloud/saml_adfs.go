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

// WithSAMLAutoSignIn makes the ADFS sign-in page type alice's name and
// password and submit the form by itself in a browser (for the demo and
// the Browser driver's headless test: the browser does the real posts).
// A page showing an error does not retry.
func WithSAMLAutoSignIn() Option { return func(o *options) { o.samlAutoSignIn = true } }

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
	auto := ""
	if s.opts.samlAutoSignIn && errText == "" {
		auto = `<script>addEventListener("load", () => { document.getElementById("userNameInput").value = "alice"; document.getElementById("passwordInput").value = "` + DefaultSAMLPassword + `"; document.getElementById("submitButton").click(); });</script>`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	action := "/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=" + randHex(8)
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Sign In</title></head><body><div id="loginArea"><form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" action="%s">
<div id="error" class="fieldMargin error smallText"><span id="errorText" for="">%s</span></div>
<input id="userNameInput" name="UserName" type="email" value="" tabindex="1" placeholder="someone@example.com"/>
<input id="passwordInput" name="Password" type="password" tabindex="2" placeholder="Password" autocomplete="off"/>
<input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
<button id="submitButton" class="submit" tabindex="4" type="submit">Sign in</button></form></div>%s</body></html>`, html.EscapeString(action), html.EscapeString(errText), auto)
}
