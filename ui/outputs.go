package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"infra/engine"
	"infra/stacks"
)

// Redacted is how a secret output is shown unless secrets are asked for.
const Redacted = "[secret]"

// writeOutputs writes a stack's outputs for people, keys sorted and aligned:
// a string or number after its key, a map or list as an indented tree under
// it (maps' keys sorted), a multi-line string as an indented block. A secret
// is Redacted, whatever its shape, unless show.
func writeOutputs(w io.Writer, t Theme, indent string, outs stacks.Outputs, show bool) {
	keys := slices.Sorted(maps.Keys(outs))
	width := 0
	for _, k := range keys {
		width = max(width, len(k))
	}
	for _, k := range keys {
		v := outs[k]
		switch {
		case v.Secret && !show:
			fmt.Fprintf(w, "%s%-*s  %s\n", indent, width, k, t.Dim.Render(Redacted))
		case v.Unknown:
			fmt.Fprintf(w, "%s%-*s  %s\n", indent, width, k, t.Dim.Render("[unknown]"))
		default:
			writeTreeEntry(w, t, indent, width, k, v.Value)
		}
	}
}

// writeTreeEntry writes one key and its value, padded to width.
func writeTreeEntry(w io.Writer, t Theme, indent string, width int, key string, v any) {
	if line, ok := scalarText(v); ok {
		if strings.Contains(line, "\n") {
			fmt.Fprintf(w, "%s%s\n", indent, key)
			for _, l := range strings.Split(strings.TrimRight(line, "\n"), "\n") {
				fmt.Fprintf(w, "%s  %s\n", indent, l)
			}
			return
		}
		fmt.Fprintf(w, "%s%-*s  %s\n", indent, width, key, line)
		return
	}
	fmt.Fprintf(w, "%s%s\n", indent, key)
	writeTree(w, t, indent+"  ", v)
}

// writeTree writes a map (keys sorted, aligned) or a list ("- " items)
// under its key.
func writeTree(w io.Writer, t Theme, indent string, v any) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		width := 0
		for k := range v {
			keys = append(keys, k)
			width = max(width, len(k))
		}
		sort.Strings(keys)
		for _, k := range keys {
			writeTreeEntry(w, t, indent, width, k, v[k])
		}
	case []any:
		for _, item := range v {
			if line, ok := scalarText(item); ok && !strings.Contains(line, "\n") {
				fmt.Fprintf(w, "%s- %s\n", indent, line)
				continue
			}
			fmt.Fprintf(w, "%s-\n", indent)
			if line, ok := scalarText(item); ok {
				for _, l := range strings.Split(strings.TrimRight(line, "\n"), "\n") {
					fmt.Fprintf(w, "%s  %s\n", indent, l)
				}
				continue
			}
			writeTree(w, t, indent+"  ", item)
		}
	}
}

// scalarText is a value that fits after its key: a string as is, a number,
// bool or null as JSON, an empty map or list as {} or []. ok is false for
// a map or list with entries.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		if len(v) > 0 {
			return "", false
		}
		return "{}", true
	case []any:
		if len(v) > 0 {
			return "", false
		}
		return "[]", true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
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
