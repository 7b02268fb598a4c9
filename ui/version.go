package ui

import "fmt"

// VersionInfo is what `infra version` prints. (Its JSON names infra's
// version "infra": "version" is the document's.)
type VersionInfo struct {
	Version string `json:"infra"`
	Go      string `json:"go"`
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
	_, err := fmt.Fprintf(v.io.Out, "infra %s (%s)\n", info.Version, info.Go)
	return err
}
