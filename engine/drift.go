package engine

import "context"

// DriftReport is what a read-only refresh found changed outside infra, per
// stack: properties whose value in the clouds is not the one in the state,
// and resources the clouds no longer have.
type DriftReport struct {
	Project   string       `json:"project"`
	Backend   string       `json:"backend"`
	Simulated bool         `json:"simulated"`
	Drifted   bool         `json:"drifted"`
	Stacks    []StackDrift `json:"stacks"`
}

// StackDrift is one stack's drift.
type StackDrift struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Error says why the stack could not be read; "" otherwise.
	Error    string             `json:"error,omitempty"`
	Changed  []DriftedProperty  `json:"changed,omitempty"`
	Vanished []VanishedResource `json:"vanished,omitempty"`
}

// Drifted reports whether anything of the stack changed outside infra.
func (s *StackDrift) Drifted() bool { return len(s.Changed)+len(s.Vanished) > 0 }

// DriftedProperty is a property whose value in the clouds differs from the
// state's. Expected is the state's (what infra deployed), Actual the
// clouds'; secrets are masked on both sides.
type DriftedProperty struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	URN      string `json:"urn"`
	Property string `json:"property"`
	Expected any    `json:"expected,omitempty"`
	Actual   any    `json:"actual,omitempty"`
	Secret   bool   `json:"secret,omitempty"`
}

// VanishedResource is a resource in the state that the clouds no longer
// have: deleted outside infra.
type VanishedResource struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	URN      string `json:"urn"`
}

// Drift refreshes every deployed stack without writing the state (pulumi's
// refresh --preview-only) and reports what changed outside infra. It needs
// read access to the clouds and the backend only.
func (e *Engine) Drift(ctx context.Context) (*Result, *DriftReport) {
	res := e.run(ctx, PreviewRefresh)
	return res, DriftOf(res)
}

// DriftOf reads the drift out of a refresh's result.
func DriftOf(r *Result) *DriftReport {
	out := &DriftReport{Project: r.Project, Backend: r.Backend, Simulated: r.Simulated, Stacks: []StackDrift{}}
	for _, s := range r.Stacks {
		d := StackDrift{Name: s.Name, Status: s.Status}
		if s.Err != nil {
			d.Error = s.Err.Error()
		}
		for _, st := range s.Steps {
			if st.Change == Delete {
				d.Vanished = append(d.Vanished, VanishedResource{Resource: st.Name, Type: st.Type, URN: st.URN})
				continue
			}
			seen := map[string]bool{}
			for _, v := range st.Values {
				seen[v.Name] = true
				d.Changed = append(d.Changed, DriftedProperty{Resource: st.Name, Type: st.Type, URN: st.URN,
					Property: v.Name, Expected: v.Old, Actual: v.New, Secret: v.Secret})
			}
			for _, p := range st.Diffs {
				if !seen[p] && !seen[topKey(p)] {
					d.Changed = append(d.Changed, DriftedProperty{Resource: st.Name, Type: st.Type, URN: st.URN, Property: p})
				}
			}
		}
		out.Drifted = out.Drifted || d.Drifted()
		out.Stacks = append(out.Stacks, d)
	}
	return out
}
