package ui

import (
	"io"
	"slices"

	"infra/engine"
)

type runJSON struct {
	w    io.Writer
	opts RunOptions
}

// ResultJSON is the machine form of a run.
type ResultJSON struct {
	Operation   engine.Operation      `json:"operation"`
	Project     string                `json:"project"`
	Backend     string                `json:"backend"`
	Simulated   bool                  `json:"simulated"`
	Interrupted bool                  `json:"interrupted,omitempty"`
	Changes     map[engine.Change]int `json:"changes"`
	Error       string                `json:"error,omitempty"`
	Stacks      []StackJSON           `json:"stacks"`
	// Cost is the change in the monthly estimate (preview only).
	Cost *CostChange `json:"cost,omitempty"`
}

// StackJSON is one stack of ResultJSON.
type StackJSON struct {
	*engine.StackResult
	Error   string         `json:"error,omitempty"`
	Outputs map[string]any `json:"outputs,omitempty"`
}

// NewResultJSON is the machine form of r.
func NewResultJSON(r *engine.Result, opts RunOptions) ResultJSON {
	out := ResultJSON{Operation: r.Operation, Project: r.Project, Backend: r.Backend, Simulated: r.Simulated,
		Interrupted: r.Interrupted, Changes: r.Totals(), Stacks: []StackJSON{}, Cost: opts.Cost}
	if err := r.Err(); err != nil {
		out.Error = err.Error()
	}
	for _, s := range r.Stacks {
		sj := StackJSON{StackResult: s, Error: errText(s.Err)}
		if opts.Outputs && len(s.Outputs) > 0 {
			sj.Outputs = map[string]any{}
			for k, v := range s.Outputs {
				sj.Outputs[k] = OutputValue(v, opts.ShowSecrets)
			}
		}
		out.Stacks = append(out.Stacks, sj)
	}
	return out
}

func (v *runJSON) Result(r *engine.Result) error {
	return writeDocument(v.w, KindRun, NewResultJSON(r, v.opts))
}

// StackNames lists the stacks of a result, for ProgressView.Start.
func StackNames(r *engine.Result) []string {
	out := make([]string, len(r.Stacks))
	for i, s := range r.Stacks {
		out[i] = s.Name
	}
	return slices.Clip(out)
}
