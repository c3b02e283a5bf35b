package aws

import (
	"net/url"
	"testing"
)

func TestHTMLForms(t *testing.T) {
	page, _ := url.Parse("https://idp.example.com/adfs/ls/page?x=1")
	body := `<html><script>if (a<b) { document.write('<form action="https://evil.example/">'); }</script>
<!-- <form action="https://evil.example/comment"><input name=SAMLResponse value=fake></form> -->
<FORM method='post' ACTION="/adfs/ls/IdpInitiatedSignOn.aspx?a=1&amp;b=2">
<input id=u name=UserName type=email><input name="Password" type="password" value="">
<input type="hidden" name='AuthMethod' value="FormsAuthentication" name="ignored">
<textarea name="note">a &lt; b</textarea></FORM>
<form action="https://signin.aws.amazon.com:443/saml" method="POST"><input type="hidden" name="SAMLResponse" value="PHNhbWxw&#43;Zm9v"/></form>`
	fs := htmlForms(page, []byte(body))
	if len(fs) != 2 {
		t.Fatalf("forms %+v", fs)
	}
	f := fs[0]
	if f.Method != "POST" || f.Action != "https://idp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?a=1&b=2" ||
		f.Fields.Get("AuthMethod") != "FormsAuthentication" || f.Fields.Get("note") != "a < b" || len(f.Names) != 4 {
		t.Fatalf("login form %+v", f)
	}
	if _, ok := adfsLoginForm(page, []byte(body)); !ok {
		t.Fatal("no ADFS login form")
	}
	if fs[1].Fields.Get("SAMLResponse") != "PHNhbWxw+Zm9v" || !isAWSSAMLEndpoint(fs[1].Action, "") {
		t.Fatalf("SAML form %+v", fs[1])
	}
}
