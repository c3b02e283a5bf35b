package auth

// For the external tests (fingerprint_kinds_test.go).
var (
	SpecFingerprint     = specFingerprint
	SpecFingerprintJSON = specFingerprintJSON
	JSONTree            = jsonTree
)
