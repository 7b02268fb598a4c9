package ui

import (
	"slices"
	"testing"

	"infra/topology"
)

// TestNativeDocumentsOfAbsentCloud: a cloud the topology lacks renders no
// document, only a note that says why.
func TestNativeDocumentsOfAbsentCloud(t *testing.T) {
	for cloud, note := range map[topology.Cloud]string{
		topology.AWS:     "the topology has no landingZone.aws: these SCPs attach nowhere until it has one",
		topology.IBM:     "the topology has no IBM Cloud region: nothing to render",
		topology.OVH:     "the topology has no OVHcloud region: nothing to render",
		topology.Hetzner: "the topology has no Hetzner location",
	} {
		res := NativeDocuments{Cloud: cloud}.documents()
		if len(res.Documents) != 0 || !slices.Equal(res.Notes, []string{note}) || res.Advisory == nil || res.Diagnostics == nil {
			t.Errorf("%s: documents %v, notes %q, advisory %v, diagnostics %v", cloud, res.Documents, res.Notes, res.Advisory, res.Diagnostics)
		}
	}
}
