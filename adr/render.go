package adr

import (
	"fmt"
	"strings"
)

// Format is a record template.
type Format string

// The supported templates: Michael Nygard's (adr-tools' default) and MADR.
const (
	Nygard Format = "nygard"
	MADR   Format = "madr"
)

// Formats lists the supported formats.
var Formats = []Format{Nygard, MADR}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown ADR format %q: use nygard or madr", s)
}

// Fence markers around the generated part of a record.
const (
	fenceOpen  = "<!-- infra:adr "
	fenceClose = "<!-- infra:adr:end -->"
	notesHint  = "<!-- Text outside the infra:adr fence is yours: `infra adr` keeps it when it regenerates this record. -->"
)

// state is what a record file carries besides its content.
type state struct {
	Number     int
	Slug       string
	Key        string
	Digest     string
	Date       string
	Supersedes int    // 0 when none
	SupFile    string // file name of the superseded record
	Status     status
}

// status is a record's lifecycle position.
type status struct {
	Kind   string // accepted, superseded, deprecated, or whatever a person wrote
	By     int    // superseding record, when superseded
	ByFile string
}

func (s state) file() string { return fileName(s.Number, s.Slug) }

func fileName(n int, slug string) string { return fmt.Sprintf("%04d-%s.md", n, slug) }

func link(n int, file string) string { return fmt.Sprintf("[ADR-%04d](%s)", n, file) }

// text renders a status the way the format writes it.
func (s status) text(f Format) string {
	switch s.Kind {
	case "accepted":
		if f == MADR {
			return "accepted"
		}
		return "Accepted"
	case "deprecated":
		if f == MADR {
			return "deprecated"
		}
		return "Deprecated"
	case "superseded":
		if f == MADR {
			return "superseded by " + link(s.By, s.ByFile)
		}
		return "Superseded by " + link(s.By, s.ByFile)
	}
	return s.Kind
}

func (s state) marker() string {
	m := fenceOpen + "key=" + s.Key + " digest=" + s.Digest + " date=" + s.Date
	if s.Supersedes > 0 {
		m += fmt.Sprintf(" supersedes=%04d", s.Supersedes)
	}
	return m + " -->"
}

// doc is a record file split into infra's parts and people's parts.
type doc struct {
	front []string // MADR front matter, delimiters included; nil in Nygard
	pre   []string // people's lines between front matter and title
	title string   // the "# " line; "" when the file has none
	mid   []string // people's lines between title and fence
	fence []string // opening marker to closing marker, inclusive
	post  []string // people's lines after the fence
}

func (d *doc) bytes() []byte {
	var lines []string
	lines = append(lines, d.front...)
	lines = append(lines, d.pre...)
	if d.title != "" {
		lines = append(lines, d.title)
	}
	lines = append(lines, d.mid...)
	lines = append(lines, d.fence...)
	lines = append(lines, d.post...)
	return []byte(strings.Join(lines, "\n") + "\n")
}

// render produces infra's parts of a record in format f.
func render(r *Record, s state, f Format) (front []string, title string, fence []string) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	sup := ""
	if s.Supersedes > 0 {
		sup = "Supersedes " + link(s.Supersedes, s.SupFile)
	}
	switch f {
	case MADR:
		st := s.Status.text(MADR)
		if strings.ContainsAny(st, "[]():#") {
			st = fmt.Sprintf("%q", st)
		}
		front = []string{"---", "status: " + st, "date: " + s.Date, "---"}
		title = "# " + r.Title
		if sup != "" {
			w("%s.\n\n", sup)
		}
		w("## Context and Problem Statement\n\n%s\n\n", strings.TrimSpace(r.Context))
		w("## Considered Options\n\n* %s\n", r.Chosen)
		for _, a := range r.Alternatives {
			w("* %s\n", a.Option)
		}
		w("\n## Decision Outcome\n\nChosen option: %q.\n\n%s\n\n", r.Chosen, strings.TrimSpace(r.Decision))
		w("### Consequences\n\n")
		for _, c := range r.Positive {
			w("* Good, because %s\n", c)
		}
		for _, c := range r.Negative {
			w("* Bad, because %s\n", c)
		}
		if len(r.Alternatives) > 0 {
			w("\n## Pros and Cons of the Options\n")
			for _, a := range r.Alternatives {
				w("\n### %s\n\n* Not chosen: %s\n", a.Option, a.WhyNot)
			}
		}
		w("\n## Implementation\n\n%s\n", strings.TrimSpace(r.Implementation))
	default:
		title = fmt.Sprintf("# %d. %s", s.Number, r.Title)
		w("Date: %s\n\n## Status\n\n%s\n\n", s.Date, s.Status.text(Nygard))
		if sup != "" {
			w("%s\n\n", sup)
		}
		w("## Context\n\n%s\n\n", strings.TrimSpace(r.Context))
		w("## Decision\n\n%s\n\n", strings.TrimSpace(r.Decision))
		if len(r.Alternatives) > 0 {
			w("## Alternatives considered\n\n")
			for _, a := range r.Alternatives {
				w("* **%s**: %s\n", a.Option, a.WhyNot)
			}
			w("\n")
		}
		w("## Consequences\n\nPositive:\n\n")
		for _, c := range r.Positive {
			w("* %s\n", capitalize(c))
		}
		w("\nNegative:\n\n")
		for _, c := range r.Negative {
			w("* %s\n", capitalize(c))
		}
		w("\n## Implementation\n\n%s\n", strings.TrimSpace(r.Implementation))
	}
	fence = append([]string{s.marker()}, strings.Split(b.String(), "\n")...)
	// b ends in "\n", so the split leaves an empty last line: the blank line
	// that keeps the closing marker out of a preceding list or paragraph.
	fence = append(fence, fenceClose)
	return front, title, fence
}

// newDoc is a fresh record file: infra's parts and an empty Notes section.
func newDoc(r *Record, s state, f Format) *doc {
	front, title, fence := render(r, s, f)
	return &doc{front: front, title: title, mid: []string{""}, fence: fence,
		post: []string{"", "## Notes", "", notesHint}}
}

// rerender replaces infra's parts of an existing file and keeps the rest.
func (d *doc) rerender(r *Record, s state, f Format) {
	d.front, d.title, d.fence = render(r, s, f)
}
