package auth

import "fmt"

// Asker is implemented by UIs that can ask the user for a value on the
// terminal (a username, a hidden password). A UI without it (no terminal,
// credential-process) makes Ask fail with what to do instead.
type Asker interface {
	Ask(prompt string, hidden bool) (string, error)
}

// Ask asks the user through the UI, when it can ask.
func (a *Authenticator) Ask(prompt string, hidden bool) (string, error) {
	if as, ok := a.Prompter().(Asker); ok {
		return as.Ask(prompt, hidden)
	}
	return "", fmt.Errorf("%s is needed and no terminal is available to ask it", prompt)
}
