package ui

import (
	"fmt"
	"io"

	"infra/engine"
)

// DoctorView renders the checks of `infra doctor`.
type DoctorView interface {
	Checks(checks []engine.Check) error
}

// NewDoctorView returns the human or JSON view.
func NewDoctorView(io *IO, asJSON bool) DoctorView {
	if asJSON {
		return &doctorJSON{w: io.Out}
	}
	return &doctorHuman{stdoutText(io)}
}

type doctorHuman struct{ textOut }

// Checks prints one line per check and, under each problem, its fix.
func (v *doctorHuman) Checks(checks []engine.Check) error {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Name))
	}
	errs, warns := 0, 0
	for _, c := range checks {
		mark := v.t.OK.Render("✓")
		switch c.Status {
		case engine.CheckWarning:
			mark = v.t.Warning.Render("!")
			warns++
		case engine.CheckError:
			mark = v.t.Error.Render("✗")
			errs++
		}
		// Long details and fixes wrap at word boundaries on a terminal,
		// under their column.
		fmt.Fprintf(v.w, "%s %-*s  %s\n", mark, width, c.Name, v.t.Wrap(c.Detail, width+4))
		if c.Fix != "" {
			fmt.Fprintf(v.w, "  %*s  %s %s\n", width, "", v.t.Hint.Render("fix:"), v.t.Wrap(c.Fix, width+9))
		}
	}
	fmt.Fprintln(v.w)
	switch {
	case errs > 0:
		fmt.Fprintf(v.w, "%s %s to fix before `infra up`\n", v.t.Error.Render("✗"), plural(errs, "problem"))
	case warns > 0:
		fmt.Fprintf(v.w, "%s ready to run `infra up --simulate`; %s for a real deployment\n", v.t.OK.Render("✓"), plural(warns, "warning"))
	default:
		fmt.Fprintf(v.w, "%s ready\n", v.t.OK.Render("✓"))
	}
	return nil
}

type doctorJSON struct{ w io.Writer }

func (v *doctorJSON) Checks(checks []engine.Check) error {
	ok := true
	for _, c := range checks {
		ok = ok && c.Status != engine.CheckError
	}
	return writeDocument(v.w, KindDoctor, DoctorJSON{OK: ok, Checks: checks})
}
