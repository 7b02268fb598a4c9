package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"infra/engine"
	"infra/stacks"
)

// Redacted is how a secret output is shown unless secrets are asked for.
const Redacted = "[secret]"

func sortedKeys(m stacks.Outputs) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OutputText is an output as one line: a string as is, anything else as
// compact JSON; a secret as Redacted unless show.
func OutputText(v stacks.Value, show bool) string {
	if v.Secret && !show {
		return Redacted
	}
	if v.Unknown {
		return "[unknown]"
	}
	if s, ok := v.Value.(string); ok {
		return s
	}
	b, err := json.Marshal(v.Value)
	if err != nil {
		return fmt.Sprint(v.Value)
	}
	return string(b)
}

// OutputValue is an output for JSON: the value, or Redacted.
func OutputValue(v stacks.Value, show bool) any {
	if v.Secret && !show {
		return Redacted
	}
	return v.Value
}

// OutputsView renders the deployed outputs of every stack.
type OutputsView interface {
	Outputs(r *engine.Result) error
}

// NewOutputsView returns the human or JSON view; secrets show as Redacted
// unless show.
func NewOutputsView(io *IO, asJSON, show bool) OutputsView {
	if asJSON {
		return &outputsJSON{w: io.Out, show: show}
	}
	return &outputsHuman{run: runHuman{w: io.Out, t: NewTheme(io.Out, io.Color), opts: RunOptions{ShowSecrets: show, Outputs: true}}, err: io.Err, te: NewTheme(io.Err, io.Color)}
}

type outputsHuman struct {
	run runHuman
	err io.Writer
	te  Theme
}

func (v *outputsHuman) Outputs(r *engine.Result) error {
	if r.Simulated {
		fmt.Fprintln(v.run.w, v.run.t.Warning.Render(SimulatedBanner))
	}
	v.run.outputs(r)
	if absent := r.With(engine.Absent); len(absent) > 0 {
		fmt.Fprintf(v.err, "%s not deployed: %s\n", v.te.Dim.Render("·"), strings.Join(absent, ", "))
	}
	return nil
}

type outputsJSON struct {
	w    io.Writer
	show bool
}

// OutputsJSON is the document `infra outputs --json` prints: each deployed
// stack's outputs by name.
type OutputsJSON struct {
	Stacks map[string]map[string]any `json:"stacks"`
}

// Outputs writes the outputs of the deployed stacks.
func (v *outputsJSON) Outputs(r *engine.Result) error {
	out := map[string]map[string]any{}
	for _, s := range r.Stacks {
		if s.Status == engine.Absent {
			continue
		}
		m := map[string]any{}
		for k, val := range s.Outputs {
			m[k] = OutputValue(val, v.show)
		}
		out[s.Name] = m
	}
	return writeDocument(v.w, KindOutputs, OutputsJSON{Stacks: out})
}

// WriteOutputValue prints one output's value: indented JSON, or with raw a
// string as it is (any other value as compact JSON), with a trailing newline.
func WriteOutputValue(w io.Writer, v any, raw bool) error {
	if s, ok := v.(string); ok && raw {
		_, err := fmt.Fprintln(w, s)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if !raw {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}
