package ui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"infra/topology"
)

// Findings that differ only in their message are one group; anything else
// that differs (place, rule, severity, hint) keeps them apart, and a
// finding with no source range is never grouped.
func TestGroupByPlace(t *testing.T) {
	at := func(line int) topology.Pos { return topology.Pos{File: "t.yaml", Line: line, Col: 3} }
	d := func(line int, rule, msg string) topology.Diagnostic {
		return topology.Diagnostic{Severity: topology.Warning, Rule: rule, Pos: at(line), Message: msg, Hint: "h"}
	}
	for _, tt := range []struct {
		name string
		ds   topology.Diagnostics
		want []int // the size of each group, in order
	}{
		{"same place", topology.Diagnostics{d(7, "g/a", "x"), d(7, "g/a", "y"), d(7, "g/a", "z")}, []int{3}},
		{"other line", topology.Diagnostics{d(7, "g/a", "x"), d(8, "g/a", "y")}, []int{1, 1}},
		{"other rule", topology.Diagnostics{d(7, "g/a", "x"), d(7, "g/b", "y")}, []int{1, 1}},
		{"interleaved", topology.Diagnostics{d(7, "g/a", "x"), d(8, "g/a", "y"), d(7, "g/a", "z")}, []int{2, 1}},
		{"no place", topology.Diagnostics{{Severity: topology.Error, Message: "a"}, {Severity: topology.Error, Message: "b"}}, []int{1, 1}},
		{"other hint", topology.Diagnostics{d(7, "g/a", "x"), func() topology.Diagnostic { x := d(7, "g/a", "y"); x.Hint = "other"; return x }()}, []int{1, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, g := range groupByPlace(tt.ds) {
				got = append(got, 1+len(g.more))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("groups %v, want %v", got, tt.want)
			}
		})
	}
}

// One GitHub annotation per group, listing at most moreShown others and
// counting the rest; the human rendering lists the same under the first.
func TestGroupedRendering(t *testing.T) {
	var ds topology.Diagnostics
	for i := range 8 {
		ds = append(ds, topology.Diagnostic{Severity: topology.Warning, Rule: "guardrail/require-tags",
			Pos: topology.Pos{File: "t.yaml", Line: 7, Col: 9}, Message: fmt.Sprintf("resource r%d lacks a tag", i)})
	}
	var gh bytes.Buffer
	if err := WriteAnnotations(&gh, FormatGitHub, "dev", ds); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=t.yaml,line=7,col=9,title=guardrail/require-tags::resource r0 lacks a tag%0Aand 7 more from the same place:" +
		"%0A- resource r1 lacks a tag%0A- resource r2 lacks a tag%0A- resource r3 lacks a tag%0A- resource r4 lacks a tag%0A- resource r5 lacks a tag" +
		"%0A… 2 more (--json lists every one)\n"
	if gh.String() != want {
		t.Errorf("github:\n%s\nwant:\n%s", gh.String(), want)
	}
	var human bytes.Buffer
	errs, warns := RenderGroupedDiagnostics(&human, NewTheme(&human, false), ds)
	if errs != 0 || warns != 8 || strings.Count(human.String(), "warning[") != 1 ||
		!strings.Contains(human.String(), "  = and 7 more from the same place:\n    - resource r1 lacks a tag\n") {
		t.Errorf("human (%d errors, %d warnings):\n%s", errs, warns, human.String())
	}
	var sarif bytes.Buffer
	if err := WriteAnnotations(&sarif, FormatSARIF, "dev", ds); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(sarif.String(), `"ruleId"`); n != 8 {
		t.Errorf("sarif has %d results, want every one of 8", n)
	}
	if err := WriteAnnotations(&sarif, FormatJSON, "dev", ds); err == nil {
		t.Error("json is no annotation format")
	}
}

// Prose wraps at word boundaries to the terminal's width, later lines
// under the first; off a terminal nothing is wrapped.
func TestWrap(t *testing.T) {
	text := "export AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the management account"
	for _, tt := range []struct {
		width, indent int
		want          string
	}{
		{0, 4, text},
		{40, 4, "export AWS_PROFILE (or\n    AWS_ACCESS_KEY_ID and\n    AWS_SECRET_ACCESS_KEY) for the\n    management account"},
		{30, 12, text}, // too little room: as is
	} {
		if got := (Theme{Width: tt.width}).Wrap(text, tt.indent); got != tt.want {
			t.Errorf("width %d indent %d:\n%s\nwant:\n%s", tt.width, tt.indent, got, tt.want)
		}
		for _, l := range strings.Split((Theme{Width: tt.width}).Wrap(text, tt.indent), "\n")[1:] {
			if tt.width > 0 && len([]rune(l)) > tt.width-1 {
				t.Errorf("width %d: line %q is too long", tt.width, l)
			}
		}
	}
}
