package ui

import "infra/engine"

// DoctorJSON is the document `infra doctor --json` prints: OK is false
// when a check would stop the engine.
type DoctorJSON struct {
	OK     bool           `json:"ok"`
	Checks []engine.Check `json:"checks"`
}
