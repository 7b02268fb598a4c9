package network

import (
	"bufio"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testKeys is real key material for the real-tool test; it never leaves t.TempDir.
type testKeys struct {
	priv, pub map[string]string
	psk       map[string]string
	endpoint  map[string]string
}

func newTestKeys(t *testing.T, m *Mesh) *testKeys {
	k := &testKeys{priv: map[string]string{}, pub: map[string]string{}, psk: map[string]string{}, endpoint: map[string]string{}}
	for i, g := range m.Gateways {
		key, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k.priv[g.ID] = base64.StdEncoding.EncodeToString(key.Bytes())
		k.pub[g.ID] = base64.StdEncoding.EncodeToString(key.PublicKey().Bytes())
		k.endpoint[g.ID] = fmt.Sprintf("198.51.100.%d", i+1) // RFC 5737 documentation range
	}
	for _, p := range m.Pairs() {
		b := make([]byte, 32)
		rand.Read(b)
		k.psk[p.Name()] = base64.StdEncoding.EncodeToString(b)
	}
	return k
}

func (k *testKeys) PrivateKey(id string) string  { return k.priv[id] }
func (k *testKeys) PublicKey(id string) string   { return k.pub[id] }
func (k *testKeys) PresharedKey(p string) string { return k.psk[p] }
func (k *testKeys) Endpoint(id string) string    { return k.endpoint[id] }

// wireguardGo finds the userspace implementation: WIREGUARD_GO, PATH, or .bin.
func wireguardGo() string {
	if p := os.Getenv("WIREGUARD_GO"); p != "" {
		return p
	}
	for _, name := range []string{"wireguard-go", "../.bin/wireguard-go"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestMeshWithRealWireGuard brings up every gateway of the multicloud example
// with the real tools: one network namespace per gateway joined by a bridge,
// userspace wireguard-go, `wg-quick strip` and `wg setconf` on the generated
// config, then a ping from every gateway to every other region's overlay
// addresses of its environment (each AWS zone's gateway's among them), and
// none to another environment's.
func TestMeshWithRealWireGuard(t *testing.T) {
	wg, err1 := exec.LookPath("wg")
	_, err2 := exec.LookPath("wg-quick")
	wgo := wireguardGo()
	if err1 != nil || err2 != nil || wgo == "" || os.Geteuid() != 0 {
		t.Skip("needs root, wg and wg-quick (wireguard-tools) and wireguard-go (scripts/install-wireguard)")
	}
	_, _, mesh := loadExample(t, "multicloud.yaml")
	keys := newTestKeys(t, mesh)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// wireguard-go's UAPI socket directory, /var/run/wireguard, is fixed:
	// this run's wireguard-go and wg see a directory of its own over it
	// (a private mount namespace each), so two runs at once (two checkouts
	// on one machine) never meet on a socket.
	sockets := filepath.Join(dir, "run")
	if err := os.MkdirAll(sockets, 0o700); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll("/var/run/wireguard", 0o700)
	wgNS := func(ns string, args ...string) []string {
		return append([]string{"netns", "exec", ns, "unshare", "-m", "sh", "-c",
			`mount --bind "$0" /var/run/wireguard && exec "$@"`, sockets}, args...)
	}

	hub := fmt.Sprintf("infrahub%d", os.Getpid()%10000)
	run(t, "ip", "netns", "add", hub)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", hub).Run() })
	run(t, "ip", "-n", hub, "link", "add", "br0", "type", "bridge")
	run(t, "ip", "-n", hub, "link", "set", "br0", "up")

	names := map[string]string{}
	for i, g := range mesh.Gateways {
		ns := fmt.Sprintf("%s-%d", hub, i)
		names[g.ID] = ns
		iface := fmt.Sprintf("wg%c", 'a'+i) // distinct: the run's gateways share one socket directory
		run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
		veth := fmt.Sprintf("v%d", i)
		run(t, "ip", "link", "add", veth, "netns", hub, "type", "veth", "peer", "name", "eth0", "netns", ns)
		run(t, "ip", "-n", hub, "link", "set", veth, "master", "br0", "up")
		run(t, "ip", "-n", ns, "addr", "add", keys.endpoint[g.ID]+"/24", "dev", "eth0")
		run(t, "ip", "-n", ns, "link", "set", "eth0", "up")
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")

		cfg, err := mesh.Config(g.ID, keys)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, iface+".conf")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		stripped := run(t, "wg-quick", "strip", path)
		if strings.Contains(stripped, "Address") || !strings.Contains(stripped, "PrivateKey") {
			t.Fatalf("wg-quick strip of %s:\n%s", g.ID, stripped)
		}
		spath := filepath.Join(dir, iface+".wg")
		os.WriteFile(spath, []byte(stripped), 0o600)

		// wg can configure the device once wireguard-go listens on its UAPI
		// socket, which it logs at LOG_LEVEL=verbose (wireguard-go main.go:
		// "UAPI listener started"); the rest of its log is drained.
		cmd := exec.CommandContext(ctx, "ip", wgNS(ns, wgo, "-f", iface)...)
		cmd.Env = append(os.Environ(), "WG_PROCESS_FOREGROUND=1", "LOG_LEVEL=verbose")
		logs, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		listening, ended := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(ended)
			sc, seen := bufio.NewScanner(logs), false
			for sc.Scan() {
				if !seen && strings.Contains(sc.Text(), "UAPI listener started") {
					seen = true
					close(listening)
				}
			}
		}()
		select {
		case <-listening:
		case <-ended:
			t.Fatalf("wireguard-go stopped before it listened on %s's UAPI socket in %s", iface, ns)
		}
		run(t, "ip", wgNS(ns, wg, "setconf", iface, spath)...)
		run(t, "ip", "-n", ns, "addr", "add", netip.PrefixFrom(g.Overlay, mesh.Overlay.Bits()).String(), "dev", iface)
		run(t, "ip", "-n", ns, "link", "set", iface, "mtu", fmt.Sprint(mesh.MTU), "up")
		show := run(t, "ip", wgNS(ns, wg, "show", iface, "peers")...)
		if got, want := len(strings.Fields(show)), len(mesh.Peers(g.ID)); got != want {
			t.Fatalf("%s: wg shows %d peers, want %d", g.ID, got, want)
		}
	}
	for _, a := range mesh.Gateways {
		for _, b := range mesh.Gateways {
			if a.Region == b.Region {
				continue // one region's zone gateways do not peer: its network joins them
			}
			if a.Environment != b.Environment {
				// another environment's gateway is no peer: wg has no
				// key for its overlay address and drops the packet
				if exec.Command("ip", "netns", "exec", names[a.ID], "ping", "-c", "1", "-W", "1", b.Overlay.String()).Run() == nil {
					t.Errorf("%s (%s) reached %s (%s) across environments", a.ID, a.Environment, b.ID, b.Environment)
				}
				continue
			}
			// The first packet waits for a handshake. With 72 handshakes at
			// once on a loaded machine, wireguard-go's under-load cookie
			// round trip and 5 s rekey timeouts can delay one by tens of
			// seconds, so keep trying until a generous deadline.
			var out []byte
			var err error
			for deadline := time.Now().Add(60 * time.Second); ; {
				out, err = exec.Command("ip", "netns", "exec", names[a.ID], "ping", "-c", "1", "-W", "3", b.Overlay.String()).CombinedOutput()
				if err == nil || time.Now().After(deadline) {
					break
				}
			}
			if err != nil {
				show, _ := exec.Command("ip", wgNS(names[a.ID], wg, "show")...).CombinedOutput()
				t.Errorf("%s cannot reach %s at %s over the mesh: %v\n%s\nwg show on %s:\n%s", a.ID, b.ID, b.Overlay, err, out, a.ID, show)
			}
		}
	}
}
