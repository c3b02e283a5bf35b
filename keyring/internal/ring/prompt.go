package ring

// PromptFunc is a function used to prompt the user for a password.
type PromptFunc func(string) (string, error)
