package ui

import (
	"fmt"
	"io"
	"strings"

	"infra/engine"
)

// BundleJSON is the machine form of a plan bundle (`infra show --json`): what
// was reviewed, without Pulumi's update plans (their secrets are ciphertext,
// and they say nothing a reviewer reads).
type BundleJSON struct {
	Format         int                   `json:"format"`
	Infra          string                `json:"infraVersion"`
	Pulumi         string                `json:"pulumiVersion"`
	Project        string                `json:"project"`
	Topology       string                `json:"topology,omitempty"`
	TopologyDigest string                `json:"topologyDigest"`
	Simulated      bool                  `json:"simulated"`
	Changes        map[engine.Change]int `json:"changes"`
	Stacks         []BundleStackJSON     `json:"stacks"`
}

// BundleStackJSON is one stack of BundleJSON.
type BundleStackJSON struct {
	Name           string                  `json:"name"`
	Kind           string                  `json:"kind"`
	DependsOn      []string                `json:"dependsOn,omitempty"`
	Removed        bool                    `json:"removed,omitempty"`
	State          engine.StateFingerprint `json:"state"`
	Inputs         string                  `json:"inputs,omitempty"`
	Upstream       string                  `json:"upstream,omitempty"`
	HasPlan        bool                    `json:"hasPlan"`
	Changes        map[engine.Change]int   `json:"changes"`
	Unchanged      int                     `json:"unchanged"`
	OutputsChanged bool                    `json:"outputsChanged,omitempty"`
	Steps          []engine.Step           `json:"steps,omitempty"`
}

// NewBundleJSON is the machine form of b.
func NewBundleJSON(b *engine.Bundle) BundleJSON {
	out := BundleJSON{Format: b.Format, Infra: b.Infra, Pulumi: b.Pulumi,
		Project: b.Project, Topology: b.Topology, TopologyDigest: b.TopologyDigest, Simulated: b.Simulated,
		Changes: b.Result().Totals(), Stacks: []BundleStackJSON{}}
	for _, s := range b.Stacks {
		out.Stacks = append(out.Stacks, BundleStackJSON{Name: s.Name, Kind: string(s.Kind), DependsOn: s.DependsOn,
			Removed: s.Removed, State: s.State, Inputs: s.Inputs, Upstream: s.Upstream, HasPlan: len(s.Plan) > 0,
			Changes: s.Changes, Unchanged: s.Unchanged, OutputsChanged: s.OutputsChanged, Steps: s.Steps})
	}
	return out
}

// WriteBundleJSON writes b as a plan-bundle document.
func WriteBundleJSON(w io.Writer, b *engine.Bundle) error {
	return writeDocument(w, KindBundle, NewBundleJSON(b))
}

// UpPlanJSON is `infra up --plan`'s document: the stacks refused as stale
// and, when anything was applied, the up.
type UpPlanJSON struct {
	Stale []engine.Stale `json:"stale"`
	Up    *ResultJSON    `json:"up,omitempty"`
}

// WriteUpPlanJSON writes an up of a bundle; up is nil when nothing was applied.
func WriteUpPlanJSON(w io.Writer, stale []engine.Stale, up *engine.Result) error {
	doc := UpPlanJSON{Stale: stale}
	if up != nil {
		r := NewResultJSON(up, RunOptions{Outputs: true})
		doc.Up = &r
	}
	return writeDocument(w, KindUpPlan, doc)
}

// RenderBundle prints a bundle as its preview, under a header saying what
// made it and what it starts from.
func RenderBundle(io *IO, b *engine.Bundle, diff bool) error {
	t := NewTheme(io.Out, io.Color)
	w := io.Out
	fmt.Fprintf(w, "%s of %s, made by infra %s with pulumi %s\n", t.Bold.Render("Plan bundle"), b.Project, b.Infra, b.Pulumi)
	fmt.Fprintf(w, "  topology %s (offline plan %s)\n", orNone(b.Topology), short(b.TopologyDigest))
	for _, s := range b.Stacks {
		fmt.Fprintf(w, "  %-28s starts from %s\n", s.Name, startText(s))
	}
	return NewRunView(io, false, RunOptions{Diff: diff, Then: engine.Up}).Result(b.Result())
}

// RenderBundleMarkdown is the markdown form of a bundle, for a pull request
// or a job summary.
func RenderBundleMarkdown(w io.Writer, b *engine.Bundle) {
	r := b.Result()
	fmt.Fprintf(w, "### Plan bundle of `%s`\n\n", b.Project)
	if b.Simulated {
		fmt.Fprintf(w, "> %s\n\n", SimulatedBanner)
	}
	fmt.Fprintf(w, "Made by infra `%s` with pulumi `%s`; topology `%s`, offline plan `%s`. `infra up --plan` applies exactly these steps and refuses a stack whose starting point moved.\n\n",
		b.Infra, b.Pulumi, orNone(b.Topology), short(b.TopologyDigest))
	fmt.Fprintln(w, "| stack | starts from | changes |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, s := range b.Stacks {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", s.Name, startText(s), changeList(engine.Preview, s.Changes, nil))
	}
	for _, s := range r.Stacks {
		if len(s.Steps) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n<details><summary><code>%s</code>: %s</summary>\n\n", s.Name, changeList(engine.Preview, s.Changes, nil))
		for _, st := range s.Steps {
			line := fmt.Sprintf("- %s `%s` (`%s`)", st.Change, st.Name, st.Type)
			if len(st.Diffs) > 0 {
				line += ": " + strings.Join(st.Diffs, ", ")
			}
			fmt.Fprintln(w, line)
		}
		fmt.Fprintln(w, "\n</details>")
	}
}

// RenderStale prints why a bundle was refused: each stale stack and what
// moved.
func RenderStale(w io.Writer, t Theme, stale []engine.Stale, applied bool) {
	verb := "refused"
	if applied {
		verb = "stale, applied anyway (--allow-stale)"
	}
	for _, s := range stale {
		fmt.Fprintf(w, "%s %s %s: its starting point moved since the review:\n", t.Error.Render("✗"), s.Stack, verb)
		for _, m := range s.Moved {
			fmt.Fprintf(w, "    - %s\n", m)
		}
	}
}

func startText(s *engine.BundleStack) string {
	switch {
	case s.Removed:
		return "removed from the topology"
	case !s.State.Deployed:
		return "nothing (not deployed)"
	}
	return fmt.Sprintf("%d resources, state %s", s.State.Resources, short(s.State.Digest))
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
