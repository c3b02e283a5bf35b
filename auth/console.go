package auth

import (
	"context"
	"time"
)

// Console is implemented by identity kinds whose cloud has a web console
// (AWS today; Azure's portal and GCP's console plug in the same way): a
// sign-in URL for the identity's credentials, opened by `console`.
type Console interface {
	ConsoleURL(ctx context.Context, s *Step, c *Credentials, o ConsoleOptions) (*ConsoleLink, error)
}

// ConsoleOptions are what `console` asks for.
type ConsoleOptions struct {
	// Destination is a console URL or a service alias ("" for the home).
	Destination string
	// Duration of the console session (0: the kind's default or the
	// configuration's console.session_duration).
	Duration time.Duration
}

// ConsoleLink is a sign-in URL. It is a bearer secret for its lifetime:
// print it only when asked.
type ConsoleLink struct {
	URL string
	// Expires is when the URL can no longer be used to sign in.
	Expires time.Time
	// Session is how long the console session lasts once signed in (0
	// when the cloud decides).
	Session time.Duration
	// Notes say what was not honoured and why ("role chains: 1h at most").
	Notes []string
}

// ConsoleAliases is implemented by kinds that name console destinations
// by short aliases (completion and help list them).
type ConsoleAliases interface {
	ConsoleDestinations() []string
}
