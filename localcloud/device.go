package localcloud

import (
	"html/template"
	"net/http"
	"strings"
)

// The device approval page: GET /device?user_code=XXXX-XXXX shows the code
// with Approve and Deny buttons that POST to /device/decide.

var devicePage = template.Must(template.New("device").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>atmos localcloud — authorize device</title>
<style>body{font-family:sans-serif;max-width:32em;margin:4em auto}code{font-size:1.5em}button{font-size:1.1em;margin-right:1em}</style>
</head>
<body>
<h1>Authorize request</h1>
{{if .Message}}<p id="message">{{.Message}}</p>{{end}}
{{if .Form}}
<form method="POST" action="/device/decide">
<p>Confirm that this code matches the one shown in your terminal:</p>
<p><label>Code <input id="user_code" name="user_code" value="{{.UserCode}}" autocomplete="off"></label></p>
<p>Signed in as <b>{{.User}}</b> (local cloud).</p>
<button id="approve" type="submit" name="action" value="approve">Approve</button>
<button id="deny" type="submit" name="action" value="deny">Deny</button>
</form>
{{end}}
</body>
</html>
`))

type devicePageData struct {
	UserCode, User, Message string
	Form                    bool
}

func (s *Server) serveDevicePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	data := devicePageData{User: s.opts.userName, Form: true}
	switch {
	case r.URL.Path == "/device" && r.Method == http.MethodGet:
		data.UserCode = r.URL.Query().Get("user_code")
	case r.URL.Path == "/device/decide" && r.Method == http.MethodPost:
		code := strings.TrimSpace(r.PostFormValue("user_code"))
		approve := r.PostFormValue("action") == "approve"
		var err error
		if approve {
			err = s.Approve(code)
		} else {
			err = s.Deny(code)
		}
		switch {
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
			data.UserCode = code
			data.Message = "Unknown or expired code. Check the code and try again."
		case approve:
			data.Form = false
			data.Message = "Request approved. You can close this window and return to your terminal."
		default:
			data.Form = false
			data.Message = "Request denied."
		}
	default:
		http.NotFound(w, r)
		return
	}
	_ = devicePage.Execute(w, data)
}
