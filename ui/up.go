package ui

import (
	"infra/engine"
)

// UpJSON is the document `infra up --json` prints: the preview it ran
// first and, when it went on, the up with the outputs. Up is absent when
// the preview failed.
type UpJSON struct {
	Preview ResultJSON  `json:"preview"`
	Up      *ResultJSON `json:"up,omitempty"`
}

// UpView renders `infra up`'s JSON document: its preview and, when there
// was one, the up (nil when the preview stopped it; the deployed outputs
// when nothing was to change).
type UpView struct{ io *IO }

// NewUpView returns the JSON view of an up.
func NewUpView(io *IO) *UpView { return &UpView{io: io} }

// Result writes the document.
func (v *UpView) Result(pre, up *engine.Result) error {
	doc := UpJSON{Preview: NewResultJSON(pre, RunOptions{})}
	if up != nil {
		r := NewResultJSON(up, RunOptions{Outputs: true})
		doc.Up = &r
	}
	return writeDocument(v.io.Out, KindUp, doc)
}
