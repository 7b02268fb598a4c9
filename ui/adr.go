package ui

import (
	"fmt"
	"io"

	"infra/adr"
)

// ADRView renders the outcome of `infra adr`.
type ADRView interface {
	// Result reports what regeneration did to dir, or, with check, what it would do.
	Result(dir string, res *adr.Result, check bool) error
}

// NewADRView picks the human or JSON rendering.
func NewADRView(io *IO, asJSON bool) ADRView {
	if asJSON {
		return &adrJSON{w: io.Out}
	}
	return &adrHuman{stdoutText(io)}
}

type adrHuman struct{ textOut }

// Result lists every file that changed and a one-line summary.
func (v *adrHuman) Result(dir string, res *adr.Result, check bool) error {
	for _, c := range res.Changes {
		if c.Action == adr.Unchanged {
			continue
		}
		verb := string(c.Action)
		style := v.t.Update
		switch c.Action {
		case adr.Created:
			style = v.t.Create
		case adr.Deprecated:
			style = v.t.Delete
		case adr.Superseded:
			style = v.t.Replace
			verb = fmt.Sprintf("superseded by ADR-%04d", c.By)
		}
		if check {
			verb = "would be " + verb
		}
		fmt.Fprintf(v.w, "  %s %s\n", style.Render(fmt.Sprintf("%-30s", verb)), c.File)
	}
	summary := fmt.Sprintf("%s: %d created, %d updated, %d superseded, %d deprecated, %d unchanged",
		dir, res.Count(adr.Created), res.Count(adr.Updated), res.Count(adr.Superseded), res.Count(adr.Deprecated), res.Count(adr.Unchanged))
	switch {
	case check && res.Changed():
		fmt.Fprintf(v.w, "%s %s; run `infra adr` to update\n", v.t.Error.Render("✗ out of date:"), summary)
	case check:
		fmt.Fprintf(v.w, "%s %s\n", v.t.OK.Render("✓ up to date:"), summary)
	default:
		fmt.Fprintf(v.w, "%s %s\n", v.t.OK.Render("✓"), summary)
	}
	return nil
}

type adrJSON struct{ w io.Writer }

// ADRJSON is the document `infra adr --json` prints.
type ADRJSON struct {
	Dir      string       `json:"dir"`
	Check    bool         `json:"check"`
	UpToDate bool         `json:"upToDate"`
	Changes  []adr.Change `json:"changes"`
}

// Result writes the document.
func (v *adrJSON) Result(dir string, res *adr.Result, check bool) error {
	changes := res.Changes
	if changes == nil {
		changes = []adr.Change{}
	}
	return writeDocument(v.w, KindADR, ADRJSON{Dir: dir, Check: check, UpToDate: !res.Changed(), Changes: changes})
}
