package ui

import "io"

// KubeconfigJSON is `infra kubeconfig --json`: what was written where,
// never a credential.
type KubeconfigJSON struct {
	File     string              `json:"file,omitempty"`
	Contexts []KubeconfigContext `json:"contexts"`
	// Replaced are the contexts of the file that were infra's already and
	// were updated.
	Replaced []string `json:"replaced,omitempty"`
	Skipped  []string `json:"skipped,omitempty"`
}

// KubeconfigContext is one context written.
type KubeconfigContext struct {
	Name   string `json:"name"`
	Cloud  string `json:"cloud"`
	Server string `json:"server"`
	Auth   string `json:"auth"`
}

// WriteKubeconfigJSON writes doc as a kubeconfig document.
func WriteKubeconfigJSON(w io.Writer, doc KubeconfigJSON) error {
	return writeDocument(w, KindKubeconfig, doc)
}
