package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"infra/engine"
)

// DriftJSON is the machine form of a drift report (`infra drift --json`).
type DriftJSON struct {
	*engine.DriftReport
}

// NewDriftJSON is the machine form of d.
func NewDriftJSON(d *engine.DriftReport) DriftJSON {
	return DriftJSON{DriftReport: d}
}

// WriteDriftJSON writes d as a drift document.
func WriteDriftJSON(w io.Writer, d *engine.DriftReport) error {
	return writeDocument(w, KindDrift, NewDriftJSON(d))
}

// RenderDrift prints a drift report for a person: per stack, each property
// with its expected (deployed) and actual (cloud) value, and each resource
// deleted outside infra.
func RenderDrift(io *IO, d *engine.DriftReport) {
	w, t := io.Out, NewTheme(io.Out, io.Color)
	fmt.Fprintln(w)
	if d.Simulated {
		fmt.Fprintln(w, t.Warning.Render(SimulatedBanner))
	}
	changed, vanished, stacks := driftCounts(d)
	if !d.Drifted {
		fmt.Fprintln(w, t.Bold.Render(fmt.Sprintf("Drift of %s: none", d.Project)))
	} else {
		fmt.Fprintln(w, t.Bold.Render(fmt.Sprintf("Drift of %s: %s changed and %s deleted outside infra, in %s",
			d.Project, props(changed), plural(vanished, "resource"), plural(stacks, "stack"))))
	}
	for _, s := range d.Stacks {
		switch {
		case s.Error != "":
			fmt.Fprintf(w, "\n%s %s: not read: %s\n", t.Error.Render("✗"), s.Name, s.Error)
			continue
		case s.Status == engine.Absent:
			fmt.Fprintf(w, "\n%s %s: not deployed\n", t.Dim.Render("·"), s.Name)
			continue
		case !s.Drifted():
			fmt.Fprintf(w, "\n%s %s: no drift\n", t.OK.Render("✓"), s.Name)
			continue
		}
		fmt.Fprintf(w, "\n%s %s\n", t.Warning.Render("~"), t.Bold.Render(s.Name))
		for _, c := range s.Changed {
			fmt.Fprintf(w, "    %s %s: expected %s, actual %s\n", c.Resource, c.Property, driftValue(c.Expected, c.Secret), driftValue(c.Actual, c.Secret))
		}
		for _, v := range s.Vanished {
			fmt.Fprintf(w, "    %s %s (%s): deleted outside infra\n", t.Delete.Render("-"), v.Resource, v.Type)
		}
	}
	fmt.Fprintln(w)
	if d.Drifted {
		fmt.Fprintln(w, t.Hint.Render("`infra up` puts the deployed values back; `infra refresh` accepts the clouds' values into the state instead"))
	}
}

// RenderDriftMarkdown is the drift report in markdown: the body of the
// issue the scheduled workflow opens or updates.
func RenderDriftMarkdown(w io.Writer, d *engine.DriftReport) {
	changed, vanished, stacks := driftCounts(d)
	fmt.Fprintf(w, "### Drift of `%s`\n\n", d.Project)
	if d.Simulated {
		fmt.Fprintf(w, "> %s\n\n", SimulatedBanner)
	}
	if !d.Drifted {
		fmt.Fprintln(w, "No drift: every deployed resource is as infra left it.")
	} else {
		fmt.Fprintf(w, "%s changed and %s deleted outside infra, in %s.\n", props(changed), plural(vanished, "resource"), plural(stacks, "stack"))
	}
	fmt.Fprintln(w, "\n| stack | changed | deleted | status |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, s := range d.Stacks {
		status := "no drift"
		switch {
		case s.Error != "":
			status = "not read: " + mdCell(s.Error)
		case s.Status == engine.Absent:
			status = "not deployed"
		case s.Drifted():
			status = "**drifted**"
		}
		fmt.Fprintf(w, "| `%s` | %d | %d | %s |\n", s.Name, len(s.Changed), len(s.Vanished), status)
	}
	for _, s := range d.Stacks {
		if !s.Drifted() {
			continue
		}
		fmt.Fprintf(w, "\n#### `%s`\n\n", s.Name)
		if len(s.Changed) > 0 {
			fmt.Fprintln(w, "| resource | property | expected | actual |")
			fmt.Fprintln(w, "|---|---|---|---|")
			for _, c := range s.Changed {
				fmt.Fprintf(w, "| `%s` | `%s` | %s | %s |\n", c.Resource, c.Property, mdCell(driftValue(c.Expected, c.Secret)), mdCell(driftValue(c.Actual, c.Secret)))
			}
		}
		for _, v := range s.Vanished {
			fmt.Fprintf(w, "- `%s` (`%s`) was deleted outside infra\n", v.Resource, v.Type)
		}
	}
	fmt.Fprintln(w, "\n<sub>Written by `infra drift`: a read-only refresh; nothing was changed.</sub>")
}

func props(n int) string {
	if n == 1 {
		return "1 property"
	}
	return fmt.Sprintf("%d properties", n)
}

func driftCounts(d *engine.DriftReport) (changed, vanished, stacks int) {
	for _, s := range d.Stacks {
		changed += len(s.Changed)
		vanished += len(s.Vanished)
		if s.Drifted() {
			stacks++
		}
	}
	return
}

func driftValue(v any, secret bool) string {
	if secret {
		return Redacted
	}
	if v == nil {
		return "(none)"
	}
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
