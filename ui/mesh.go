package ui

import (
	"fmt"
)

// MeshConfig is one gateway's wg-quick configuration, as `infra mesh
// config` prints it.
type MeshConfig struct {
	// Node is the gateway's cloud/region/environment reference.
	Node string `json:"node"`
	// ID is the gateway's id in the mesh.
	ID string `json:"id"`
	// Secrets says whether keys are "shown" (read from the state) or
	// "redacted" (placeholders).
	Secrets string `json:"secrets"`
	Config  string `json:"config"`
}

// MeshConfigView prints a gateway's configuration: the file itself for
// people (ready for wg-quick), or a JSON document.
type MeshConfigView struct {
	io     *IO
	asJSON bool
}

// NewMeshConfigView returns the view.
func NewMeshConfigView(io *IO, asJSON bool) *MeshConfigView {
	return &MeshConfigView{io: io, asJSON: asJSON}
}

// Config writes c.
func (v *MeshConfigView) Config(c MeshConfig) error {
	if v.asJSON {
		return writeDocument(v.io.Out, KindMeshConfig, c)
	}
	_, err := fmt.Fprint(v.io.Out, c.Config)
	return err
}
