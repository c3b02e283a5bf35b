package cli

import (
	"errors"
	"fmt"
)

// Exit codes shared by every command (see DESIGN.md "Conventions").
const (
	ExitOK      = 0
	ExitFailure = 1 // runtime or authentication failure
	ExitConfig  = 2 // configuration or usage error
	// ExitInterrupted is what a shell reports after SIGINT: a command that
	// Ctrl-C (or SIGTERM) ended cleanly exits with it.
	ExitInterrupted = 130
	ExitNotFound    = 127
)

// ExitError carries an exit code with an error. A nil Err means "exit
// quietly with Code" (the message was already printed).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ConfigErr wraps err as a configuration/usage error (exit 2).
func ConfigErr(err error) error { return &ExitError{Code: ExitConfig, Err: err} }

// Configf formats a configuration/usage error (exit 2).
func Configf(format string, args ...any) error {
	return ConfigErr(fmt.Errorf(format, args...))
}

// CodeOf returns the exit code err asks for.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var cc interface{ ExitCode() int }
	if errors.As(err, &cc) {
		return cc.ExitCode()
	}
	return ExitFailure
}
