package topology

import (
	"testing"
)

// Each diagnostic names the check that found it (a stable rule id) and the
// source range of what it is about.
func TestDiagnosticsCarryRuleAndRange(t *testing.T) {
	src := "name: acme\nclouds:\n  aws:\n    regions:\n      - region: us-east-7\n        environment: prod\n        zonez: [a]\n      - region: \"eu-west-9\"\n        environment: dev\n"
	_, ds, err := Parse("t.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := map[string]struct {
		rule string
		pos  Pos
	}{
		`unknown field "zonez" in clouds.aws.regions[0]`: {RuleUnknownField, Pos{File: "t.yaml", Line: 7, Col: 9, EndLine: 7, EndCol: 14}},
		`aws has no region "us-east-7"`:                  {"topology/regions", Pos{File: "t.yaml", Line: 5, Col: 17, EndLine: 5, EndCol: 26}},
		// quotes are part of the range
		`aws has no region "eu-west-9"`: {"topology/regions", Pos{File: "t.yaml", Line: 8, Col: 17, EndLine: 8, EndCol: 28}},
	}
	seen := 0
	for _, d := range ds {
		w, ok := want[d.Message]
		if !ok {
			continue
		}
		seen++
		if d.Rule != w.rule || d.Pos != w.pos {
			t.Errorf("%s: rule %q at %+v, want %q at %+v", d.Message, d.Rule, d.Pos, w.rule, w.pos)
		}
		if d.Pos.End() != (Pos{File: "t.yaml", Line: w.pos.EndLine, Col: w.pos.EndCol}) || d.Pos.Start().EndLine != 0 {
			t.Errorf("%s: start %v end %v", d.Message, d.Pos.Start(), d.Pos.End())
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of %d diagnostics: %v", seen, len(want), ds)
	}
	_, ds, _ = Parse("t.yaml", []byte("name: [\n"))
	if len(ds) != 1 || ds[0].Rule != RuleSyntax {
		t.Errorf("syntax error: %v", ds)
	}
}
