package ui

import "fmt"

// VersionInfo is what `infra version` prints. (Its JSON names infra's
// version "infra": "version" is the document's.)
type VersionInfo struct {
	Version string `json:"infra"`
	Go      string `json:"go"`
	// Revision is the VCS commit of the build; Modified says the work
	// tree had changes.
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified,omitempty"`
}

// String is "dev (go1.26.8)", or "dev (go1.26.8, commit 1234abcd…)".
func (v VersionInfo) String() string {
	s := v.Version + " (" + v.Go
	if v.Revision != "" {
		rev := v.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += ", commit " + rev
		if v.Modified {
			s += "+modified"
		}
	}
	return s + ")"
}

// VersionView prints the version for people or as JSON.
type VersionView struct {
	io     *IO
	asJSON bool
}

// NewVersionView returns the view.
func NewVersionView(io *IO, asJSON bool) *VersionView { return &VersionView{io: io, asJSON: asJSON} }

// Version writes v.
func (v *VersionView) Version(info VersionInfo) error {
	if v.asJSON {
		return writeDocument(v.io.Out, KindVersion, info)
	}
	_, err := fmt.Fprintf(v.io.Out, "infra %s\n", info)
	return err
}
