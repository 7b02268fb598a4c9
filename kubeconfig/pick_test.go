package kubeconfig

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// listener returns the URL of a port that accepts connections, and of one
// that refuses them (a port just closed).
func listeners(t *testing.T) (open, closed string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	c, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed = "https://" + c.Addr().String()
	c.Close()
	return "https://" + l.Addr().String(), closed
}

// A control plane that is down is passed over for the next that answers,
// with a note; an entry whose first address answers, or with no
// alternates, is left alone; when none answers the first stays, with a
// note.
func TestPickTakesTheFirstThatAnswers(t *testing.T) {
	open, closed := listeners(t)
	entries := []Entry{
		{Stack: "down-first", Server: closed, Alternates: []string{closed, open}},
		{Stack: "up-first", Server: open, Alternates: []string{closed}},
		{Stack: "private", Server: closed},
		{Stack: "all-down", Server: closed, Alternates: []string{closed}},
	}
	notes := Pick(context.Background(), entries, DialReachable(2*time.Second))
	if entries[0].Server != open || entries[1].Server != open || entries[2].Server != closed || entries[3].Server != closed {
		t.Errorf("servers %s %s %s %s", entries[0].Server, entries[1].Server, entries[2].Server, entries[3].Server)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "down-first: "+closed+" did not answer; wrote "+open+" (address 3 of 3)") ||
		!strings.Contains(notes[1], "all-down: none of its 2 API addresses answered") {
		t.Errorf("notes %q", notes)
	}
}

func TestFromOutputsPublicEndpoints(t *testing.T) {
	out := map[string]any{"clusterEndpoint": "https://10.20.0.4:6443", "clusterCaCert": "ca", "adminClientCert": "c", "adminClientKey": "k",
		"apiPublicEndpoint":  "https://198.51.100.1:6443",
		"apiPublicEndpoints": []any{"https://198.51.100.1:6443", "https://198.51.100.2:6443", "https://198.51.100.3:6443"}}
	e, err := FromOutputs("hetzner-nbg1-prod", "hetzner", out)
	if err != nil || e.Server != "https://198.51.100.1:6443" || strings.Join(e.Alternates, " ") != "https://198.51.100.2:6443 https://198.51.100.3:6443" ||
		e.TLSServerName != "10.20.0.4" {
		t.Errorf("%+v %v", e, err)
	}
	// a stack deployed before apiPublicEndpoints: its one endpoint
	delete(out, "apiPublicEndpoints")
	if e, err := FromOutputs("hetzner-nbg1-prod", "hetzner", out); err != nil || e.Server != "https://198.51.100.1:6443" || len(e.Alternates) != 0 {
		t.Errorf("%+v %v", e, err)
	}
	// without apiAccess: the registration address, nothing to pick from
	delete(out, "apiPublicEndpoint")
	if e, err := FromOutputs("hetzner-nbg1-prod", "hetzner", out); err != nil || e.Server != "https://10.20.0.4:6443" || len(e.Alternates) != 0 || e.TLSServerName != "" {
		t.Errorf("%+v %v", e, err)
	}
}
