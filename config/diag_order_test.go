package config_test

import (
	"strings"
	"testing"
)

// TestTypoFollowOnsComeAfter: the "missing required field" a misspelt field
// causes is listed right after the misspelling's "did you mean", not before
// it (where its earlier line would put it).
func TestTypoFollowOnsComeAfter(t *testing.T) {
	err := loadAndValidate("../testdata/broken/typo_follow_on.yaml")
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	typo, follow := -1, -1
	for i, l := range lines {
		switch {
		case strings.Contains(l, `unknown field "princpal"`):
			typo = i
		case strings.Contains(l, "missing required field principal.assume_role"):
			follow = i
		}
	}
	if typo < 0 || follow != typo+1 {
		t.Fatalf("the follow-on is not right after the typo:\n%s", err)
	}
}
