package ui

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"infra/topology"
)

// Diagnostic formats for CI, beside the human and JSON views.
const (
	// FormatGitHub prints GitHub Actions workflow commands, which GitHub
	// shows as annotations on the file and line of the pull request.
	FormatGitHub = "github"
	// FormatSARIF prints a SARIF 2.1.0 log, for code-scanning uploads.
	FormatSARIF = "sarif"
)

// WriteGitHubAnnotations writes one workflow command per diagnostic:
// ::error file=F,line=L,col=C,endLine=…,endColumn=…,title=RULE::MESSAGE
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
// Hints follow the message after " — ". Findings that differ only in their
// message are one annotation listing the others (groupByPlace).
func WriteGitHubAnnotations(w io.Writer, ds topology.Diagnostics) error {
	for _, g := range groupByPlace(ds) {
		d := g.Diagnostic
		cmd := severityLevel(d.Severity, "notice")
		var props []string
		if p := d.Pos; p.File != "" {
			props = append(props, "file="+ghProperty(filepath.ToSlash(p.File)))
			if p.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", p.Line))
			}
			if p.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", p.Col))
			}
			if p.EndLine > 0 {
				props = append(props, fmt.Sprintf("endLine=%d", p.EndLine))
				if p.EndCol > 0 {
					props = append(props, fmt.Sprintf("endColumn=%d", p.EndCol))
				}
			}
		}
		if d.Rule != "" {
			props = append(props, "title="+ghProperty(d.Rule))
		}
		msg := d.Message
		if d.Hint != "" {
			msg += " — " + d.Hint
		}
		for _, r := range d.Related {
			msg += fmt.Sprintf("\n%s: %s", r.Pos, r.Message)
		}
		for _, l := range g.moreLines() {
			msg += "\n" + l
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes a workflow command's message (the toolkit's escapeData).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property (escapeProperty).
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): the parts
// a log of findings needs.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId,omitempty"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations,omitempty"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifMessage `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func sarifLocationOf(p topology.Pos, msg string) sarifLocation {
	l := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(p.File)}}}
	if p.Line > 0 {
		l.PhysicalLocation.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Col, EndLine: p.EndLine, EndColumn: p.EndCol}
	}
	if msg != "" {
		l.Message = &sarifMessage{Text: msg}
	}
	return l
}

// severityLevel is a severity as GitHub's workflow commands and SARIF name
// it: error, warning, and info's own word ("notice", "note").
func severityLevel(s topology.Severity, info string) string {
	switch s {
	case topology.Warning:
		return "warning"
	case topology.Info:
		return info
	}
	return "error"
}

// WriteSARIF writes the diagnostics as a SARIF 2.1.0 log of one run of
// infra version.
func WriteSARIF(w io.Writer, version string, ds topology.Diagnostics) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "infra", Version: version, Rules: []sarifRule{}}}, Results: []sarifResult{}}
	rules := map[string]bool{}
	for _, d := range ds {
		level := severityLevel(d.Severity, "note")
		text := d.Message
		if d.Hint != "" {
			text += " (hint: " + d.Hint + ")"
		}
		r := sarifResult{RuleID: d.Rule, Level: level, Message: sarifMessage{Text: text}}
		if d.Pos.File != "" {
			r.Locations = []sarifLocation{sarifLocationOf(d.Pos, "")}
		}
		for _, rel := range d.Related {
			r.RelatedLocations = append(r.RelatedLocations, sarifLocationOf(rel.Pos, rel.Message))
		}
		if d.Rule != "" {
			rules[d.Rule] = true
		}
		run.Results = append(run.Results, r)
	}
	for id := range rules {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id})
	}
	sort.Slice(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })
	return writeIndented(w, sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// AnnotationFormats are the formats in which a command prints its findings
// for CI (GitHub workflow commands, a SARIF log) in place of its own view:
// validate, plan and guardrails check take them, rendered by
// WriteAnnotations alone.
var AnnotationFormats = []string{FormatGitHub, FormatSARIF}

// IsAnnotationFormat reports whether format is one of AnnotationFormats.
func IsAnnotationFormat(format string) bool {
	return format == FormatGitHub || format == FormatSARIF
}

// WriteAnnotations writes the findings in an annotation format: GitHub
// workflow commands, or a SARIF log of infra version.
func WriteAnnotations(w io.Writer, format, version string, ds topology.Diagnostics) error {
	switch format {
	case FormatGitHub:
		return WriteGitHubAnnotations(w, ds)
	case FormatSARIF:
		return WriteSARIF(w, version, ds)
	}
	return fmt.Errorf("ui: %q is not an annotation format (%s)", format, strings.Join(AnnotationFormats, ", "))
}

// AnnotationsVerdict is the line people read on stderr while stdout carries
// the annotations: what was found, or that nothing was.
func AnnotationsVerdict(io *IO, what string, ds topology.Diagnostics) {
	t := NewTheme(io.Err, io.Color)
	errs, warns := count(ds)
	switch {
	case errs > 0:
		fmt.Fprintf(io.Err, "%s %s%s in %s\n", t.Error.Render("✗"), plural(errs, "error"), andWarnings(warns), what)
	case warns > 0:
		fmt.Fprintf(io.Err, "%s %s in %s\n", t.OK.Render("✓"), plural(warns, "warning"), what)
	default:
		fmt.Fprintf(io.Err, "%s no findings in %s\n", t.OK.Render("✓"), what)
	}
}

// placeGroup is diagnostics that differ only in their message: one check
// finding the same fault in many resources that come from one place of the
// topology (require-tags over every resource of a region). They are shown
// once, with the other messages under it: GitHub shows at most 10
// annotations of a kind per step, and a screen of near-identical findings
// hides the one that differs.
type placeGroup struct {
	topology.Diagnostic
	// more are the other diagnostics' messages, in order.
	more []string
}

// groupByPlace groups diagnostics with the same severity, rule, source
// range, hint and related places, in the order of each group's first.
// Diagnostics with no source range (a run's) stay alone.
func groupByPlace(ds topology.Diagnostics) []placeGroup {
	idx := map[string]int{}
	out := make([]placeGroup, 0, len(ds))
	for _, d := range ds {
		if d.Pos.File == "" {
			out = append(out, placeGroup{Diagnostic: d})
			continue
		}
		key := fmt.Sprintf("%s\x00%s\x00%v\x00%s\x00%v", d.Severity, d.Rule, d.Pos, d.Hint, d.Related)
		if i, ok := idx[key]; ok {
			out[i].more = append(out[i].more, d.Message)
			continue
		}
		idx[key] = len(out)
		out = append(out, placeGroup{Diagnostic: d})
	}
	return out
}

// moreShown is how many of a group's other messages are listed; the rest
// are counted.
const moreShown = 5

// moreLines lists a group's other messages, at most moreShown of them, then
// how many are left out.
func (g placeGroup) moreLines() []string {
	if len(g.more) == 0 {
		return nil
	}
	lines := []string{fmt.Sprintf("and %d more from the same place:", len(g.more))}
	for i, m := range g.more {
		if i == moreShown {
			lines = append(lines, fmt.Sprintf("… %d more (--json lists every one)", len(g.more)-moreShown))
			break
		}
		lines = append(lines, "- "+m)
	}
	return lines
}
