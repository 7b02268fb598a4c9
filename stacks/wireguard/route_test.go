package wireguard

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"infra/network"
	"infra/topology"
	"infra/topology/topologytest"
)

// realKeys is real key material for the namespace test; it never leaves
// t.TempDir.
type realKeys struct{ priv, pub, psk, endpoint map[string]string }

func (k *realKeys) PrivateKey(id string) string  { return k.priv[id] }
func (k *realKeys) PublicKey(id string) string   { return k.pub[id] }
func (k *realKeys) PresharedKey(p string) string { return k.psk[p] }
func (k *realKeys) Endpoint(id string) string    { return k.endpoint[id] }

// region is one region of the model: its gateway's namespace, with a
// public interface on the shared "internet" and a private one on the
// region's network, and one host of the region's cluster network behind it.
type region struct {
	g            *network.Gateway
	cloud        topology.Cloud
	gw, host     string // namespaces
	dir          string // the gateway's /etc/wireguard, /etc/infra and /var/run/wireguard
	cidr         netip.Prefix
	gwIP, hostIP netip.Addr
}

// gwCmd runs a command on the gateway as it would run there: in its
// network namespace, with its own /var/run/wireguard (wireguard-go's UAPI
// socket directory is fixed, and every gateway's interface is wg0).
func (r *region) gwCmd(args ...string) *exec.Cmd {
	a := append([]string{"netns", "exec", r.gw, "unshare", "-m", "sh", "-c",
		`mount --bind "$0" /var/run/wireguard && exec "$@"`, filepath.Join(r.dir, "run")}, args...)
	cmd := exec.Command("ip", a...)
	cmd.Env = append(os.Environ(), "INFRA_MESH_CONF="+filepath.Join(r.dir, "wg0.conf"),
		"INFRA_MESH_PEERS="+filepath.Join(r.dir, "mesh-peers.nft"),
		"INFRA_MESH_UP=wg-quick up "+filepath.Join(r.dir, "wg0.conf"),
		"WG_QUICK_USERSPACE_IMPLEMENTATION="+wireguardGo())
	return cmd
}

// apply pushes a configuration as the infra:mesh:Peers resource does: the
// generated script reads it on stdin.
func (r *region) apply(t *testing.T, conf string) {
	t.Helper()
	cmd := r.gwCmd("bash", filepath.Join(r.dir, "infra-mesh-apply"))
	cmd.Stdin = strings.NewReader(conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: infra-mesh-apply: %v\n%s", r.g.ID, err, out)
	}
}

func wireguardGo() string {
	if p := os.Getenv("WIREGUARD_GO"); p != "" {
		return p
	}
	for _, name := range []string{"wireguard-go", "../../.bin/wireguard-go"} {
		if p, err := exec.LookPath(name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
		}
	}
	return ""
}

func sh(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// pingOnce sends one ping of size bytes (IP packet, DF set) and reports
// whether it came back.
func pingOnce(from string, to netip.Addr, size int) bool {
	return exec.Command("ip", "netns", "exec", from, "ping", "-n", "-c", "1", "-W", "2", "-M", "do",
		"-s", strconv.Itoa(size-28), to.String()).Run() == nil
}

// reach pings until a reply or the deadline: a first packet waits for a
// handshake, which on a loaded machine may take several rekey timeouts.
func reach(from string, to netip.Addr, size int) bool {
	for deadline := time.Now().Add(60 * time.Second); ; {
		if pingOnce(from, to, size) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// TestMeshRoutesRegionNetworks proves that the mesh routes cluster
// networks, not just gateways, and that a mesh change interrupts nothing.
// Every gateway of the multicloud example gets a namespace running
// the generated artifacts with the real tools (the nftables ruleset with
// nft, the wg-quick configuration through the generated apply script,
// wg-quick up, wg syncconf, userspace wireguard-go) and a host in the
// region's network (an AWS region's gateways and hosts, one per zone, share
// a VPC bridge: every zone's host must reach the other clouds through its
// own zone's gateway, as the peers send a zone's subnets there and drop
// its sources from any other) whose routes are what the programs give the cloud:
// Mesh.CloudRoutes via the gateway's private IP (AWS route tables, IBM
// routing tables, Hetzner network routes), the RFC 1918 block via the gateway on OVH
// (the v2 subnet's host route), where the gateway also source-NATs. Pairs
// that a transit gateway joins are left out: the cloud routes them there.
//
// It then adds a region and removes it again, pushing each gateway its new
// configuration one after another, while every pair of unchanged regions
// pings every 100 ms: no flow may stop. An interrupting change (a tunnel
// restarted instead of synced) loses a run of pings on every flow; a
// loaded CI machine, whose userspace wireguard-go is starved of CPU, may
// drop an isolated packet. So no flow may lose two pings in a row, and all
// of them together at most 0.5%.
func TestMeshRoutesRegionNetworks(t *testing.T) {
	for _, tool := range []string{"wg", "wg-quick", "nft", "ip", "ping", "unshare", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	if wireguardGo() == "" || os.Geteuid() != 0 {
		t.Skip("needs root and wireguard-go (scripts/install-wireguard)")
	}
	if testing.Short() {
		t.Skip("brings up 12 gateways")
	}
	spec := topologytest.Load(t, "../../examples/multicloud.yaml")
	plan, err := network.Compute(spec)
	if err != nil {
		t.Fatal(err)
	}
	full, err := network.BuildMesh(spec, plan)
	if err != nil {
		t.Fatal(err)
	}
	// the region added and removed: the last OVH region, which sits behind the /8 host route
	var late *topology.Region
	for _, r := range spec.Regions() {
		if r.Cloud == topology.OVH {
			late = r
		}
	}
	off := false
	late.Mesh = &off
	before, err := network.BuildMesh(spec, plan)
	late.Mesh = nil
	if err != nil {
		t.Fatal(err)
	}
	transit := network.BuildTransit(spec)

	keys := &realKeys{priv: map[string]string{}, pub: map[string]string{}, psk: map[string]string{}, endpoint: map[string]string{}}
	for i, g := range full.Gateways {
		priv, pub := genKey(t)
		keys.priv[g.ID], keys.pub[g.ID] = priv, pub
		keys.endpoint[g.ID] = fmt.Sprintf("198.51.100.%d", i+1) // RFC 5737
	}
	for _, p := range full.Pairs() {
		b := make([]byte, 32)
		rand.Read(b)
		keys.psk[p.Name()] = base64.StdEncoding.EncodeToString(b)
	}

	tag := fmt.Sprintf("imr%d", os.Getpid()%10000)
	hub := tag + "-net"
	sh(t, "ip", "netns", "add", hub)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", hub).Run() })
	sh(t, "ip", "-n", hub, "link", "add", "br0", "type", "bridge")
	sh(t, "ip", "-n", hub, "link", "set", "br0", "up")
	os.MkdirAll("/var/run/wireguard", 0o700)

	regions := map[string]*region{}
	vpcs := map[string]string{} // an AWS region's VPC: a bridge its zones' gateways and hosts share
	zonal := map[string]int{}   // AWS regions' gateways, one per zone
	for i, g := range full.Gateways {
		r := &region{g: g, gw: fmt.Sprintf("%s-g%d", tag, i), host: fmt.Sprintf("%s-h%d", tag, i),
			dir: t.TempDir(), cidr: plan.Region(g.Region).CIDR}
		r.cloud = g.Cloud
		r.gwIP, r.hostIP = nth(r.cidr, 3), nth(r.cidr, 20)
		if g.Zone != "" {
			// a gateway per zone: it sits in its zone's public subnet, the
			// host in the zone's private one, both on the region's VPC,
			// whose local route makes every subnet of the region on-link
			for _, z := range plan.Region(g.Region).Zones {
				if z.Zone == g.Zone {
					r.gwIP, r.hostIP = nth(z.Public, 4), nth(z.Private, 20)
				}
			}
			zonal[g.Region]++
		}
		regions[g.ID] = r
		os.Mkdir(filepath.Join(r.dir, "run"), 0o700)
		for _, ns := range []string{r.gw, r.host} {
			sh(t, "ip", "netns", "add", ns)
			t.Cleanup(func() {
				// wireguard-go daemonizes: end what runs in the namespace, then the namespace
				if pids, err := exec.Command("ip", "netns", "pids", ns).Output(); err == nil {
					for _, p := range strings.Fields(string(pids)) {
						if pid, err := strconv.Atoi(p); err == nil {
							syscall.Kill(pid, syscall.SIGTERM)
						}
					}
				}
				exec.Command("ip", "netns", "del", ns).Run()
			})
			sh(t, "ip", "-n", ns, "link", "set", "lo", "up")
		}
		veth := fmt.Sprintf("v%d", i)
		sh(t, "ip", "link", "add", veth, "netns", hub, "type", "veth", "peer", "name", "eth0", "netns", r.gw)
		sh(t, "ip", "-n", hub, "link", "set", veth, "master", "br0", "up")
		sh(t, "ip", "-n", r.gw, "addr", "add", keys.endpoint[g.ID]+"/24", "dev", "eth0")
		sh(t, "ip", "-n", r.gw, "link", "set", "eth0", "up")
		if g.Zone == "" {
			sh(t, "ip", "link", "add", "eth1", "netns", r.gw, "type", "veth", "peer", "name", "eth0", "netns", r.host)
		} else {
			vpc, ok := vpcs[g.Region]
			if !ok {
				vpc = fmt.Sprintf("%s-vpc%d", tag, len(vpcs))
				vpcs[g.Region] = vpc
				sh(t, "ip", "netns", "add", vpc)
				t.Cleanup(func() { exec.Command("ip", "netns", "del", vpc).Run() })
				sh(t, "ip", "-n", vpc, "link", "add", "br0", "type", "bridge")
				sh(t, "ip", "-n", vpc, "link", "set", "br0", "up")
			}
			for _, end := range []struct{ ns, dev, port string }{{r.gw, "eth1", fmt.Sprintf("g%d", i)}, {r.host, "eth0", fmt.Sprintf("h%d", i)}} {
				sh(t, "ip", "link", "add", end.port, "netns", vpc, "type", "veth", "peer", "name", end.dev, "netns", end.ns)
				sh(t, "ip", "-n", vpc, "link", "set", end.port, "master", "br0", "up")
			}
		}
		sh(t, "ip", "-n", r.gw, "addr", "add", netip.PrefixFrom(r.gwIP, r.cidr.Bits()).String(), "dev", "eth1")
		sh(t, "ip", "-n", r.host, "addr", "add", netip.PrefixFrom(r.hostIP, r.cidr.Bits()).String(), "dev", "eth0")
		sh(t, "ip", "-n", r.gw, "link", "set", "eth1", "up")
		sh(t, "ip", "-n", r.host, "link", "set", "eth0", "up")
		sh(t, "ip", "netns", "exec", r.gw, "sysctl", "-qw", "net.ipv4.ip_forward=1")
		if g.Cloud == topology.OVH {
			block, _ := network.PrivateBlock(r.cidr)
			sh(t, "ip", "-n", r.host, "route", "add", block.String(), "via", r.gwIP.String())
		}

		// the gateway's first boot, from its cloud-config
		boot := Boot{ID: g.ID, Port: full.Port, Local: r.cidr, SNAT: g.Cloud == topology.OVH}
		files := map[string]string{"mesh.nft": Firewall(boot), "mesh-peers.nft": "flush set inet infra_mesh peers\n", "infra-mesh-apply": ApplyScript}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		sh(t, "ip", "netns", "exec", r.gw, "nft", "-f", filepath.Join(r.dir, "mesh.nft"))
		sh(t, "ip", "netns", "exec", r.gw, "nft", "-f", filepath.Join(r.dir, "mesh-peers.nft"))
	}
	// the multicloud example's AWS regions have a gateway per zone: 3 and 2
	if len(zonal) != 2 || zonal["aws-us-east-1-prod"] != 3 || zonal["aws-us-east-1-staging"] != 2 {
		t.Fatalf("AWS gateways per region: %v, want one per zone", zonal)
	}
	// cloudRoutes gives region id's network the routes the programs give its cloud for mesh m.
	cloudRoutes := func(m *network.Mesh, id string) {
		r := regions[id]
		if r.cloud == topology.OVH {
			return // the one host route above covers every region
		}
		for _, rt := range m.CloudRoutes(transit, id) { // as stacks.mesh gives the clouds' route tables
			sh(t, "ip", "-n", r.host, "route", "replace", rt.Destination.String(), "via", r.gwIP.String())
		}
	}
	// viaTransit: a transit gateway joins the regions of gateways a and b
	viaTransit := func(a, b string) bool {
		ra, rb := full.Gateway(a).Region, full.Gateway(b).Region
		for _, id := range transit.Reach(ra) {
			if id == rb {
				return true
			}
		}
		return false
	}
	config := func(m *network.Mesh, id string) string {
		c, err := m.Config(id, keys)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// pairs are the ordered pairs of m's regions the mesh carries: peers
	// (one environment), less those a transit gateway joins.
	pairs := func(m *network.Mesh) (out [][2]*region) {
		for _, a := range m.Gateways {
			for _, b := range m.Peers(a.ID) {
				if !viaTransit(a.ID, b.ID) {
					out = append(out, [2]*region{regions[a.ID], regions[b.ID]})
				}
			}
		}
		return out
	}
	// apart are the ordered pairs of m's regions in different environments
	// that no transit gateway joins: the mesh must not carry them.
	apart := func(m *network.Mesh) (out [][2]*region) {
		for _, a := range m.Gateways {
			for _, b := range m.Gateways {
				if a.Environment != b.Environment && !viaTransit(a.ID, b.ID) {
					out = append(out, [2]*region{regions[a.ID], regions[b.ID]})
				}
			}
		}
		return out
	}
	checkApart := func(m *network.Mesh, what string) {
		t.Helper()
		ps := apart(m)
		crossed := make(chan string, len(ps))
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if pingOnce(p[0].host, p[1].hostIP, 100) {
					crossed <- fmt.Sprintf("%s (%s) → %s (%s)", p[0].g.ID, p[0].g.Environment, p[1].g.ID, p[1].g.Environment)
				}
			}()
		}
		wg.Wait()
		close(crossed)
		for c := range crossed {
			t.Errorf("%s: the mesh carried %s across environments", what, c)
		}
		t.Logf("%s: %d host pairs of different environments, none reached", what, len(ps))
	}
	checkAll := func(m *network.Mesh, what string) {
		t.Helper()
		ps, ok := pairs(m), 0
		for _, p := range ps {
			// a packet of the tunnel's MTU (1440) with DF set: it fits
			if reach(p[0].host, p[1].hostIP, m.MTU) {
				ok++
			} else {
				t.Errorf("%s: host of %s cannot reach host %s of %s", what, p[0].g.ID, p[1].hostIP, p[1].g.ID)
			}
		}
		t.Logf("%s: %d of %d host pairs reach each other over the mesh (%d-byte DF pings)", what, ok, len(ps), m.MTU)
	}

	// 1. the mesh without the late region, each gateway's first push
	for _, g := range before.Gateways {
		regions[g.ID].apply(t, config(before, g.ID))
		cloudRoutes(before, g.ID)
	}
	checkAll(before, "before")
	checkApart(before, "before")
	if t.Failed() {
		t.FailNow()
	}
	a, b := pairs(before)[0][0], pairs(before)[0][1]
	if pingOnce(a.host, b.hostIP, full.MTU+1) {
		t.Errorf("a %d-byte DF packet crossed a tunnel of MTU %d", full.MTU+1, full.MTU)
	}
	// an MTU change is applied in place, like a peer change
	mtu := func(r *region) string {
		out := sh(t, "ip", "-n", r.gw, "-o", "link", "show", "wg0")
		if f := strings.Fields(out); len(f) > 4 && f[3] == "mtu" {
			return f[4]
		}
		return out
	}
	before.MTU -= 40
	a.apply(t, config(before, a.g.ID))
	if got := mtu(a); got != strconv.Itoa(before.MTU) {
		t.Errorf("%s: wg0 mtu %s after pushing MTU %d", a.g.ID, got, before.MTU)
	}
	before.MTU += 40
	a.apply(t, config(before, a.g.ID))
	if got := mtu(a); got != strconv.Itoa(before.MTU) {
		t.Errorf("%s: wg0 mtu %s after pushing MTU %d back", a.g.ID, got, before.MTU)
	}

	// 2. the late gateway comes up knowing everyone; nobody knows it yet,
	// so its packets are dropped (its endpoint is not in their peer sets)
	lr := regions[late.ID()]
	lr.apply(t, config(full, late.ID()))
	cloudRoutes(full, late.ID())
	// b: a region the late one will peer with
	for _, p := range full.Peers(late.ID()) {
		if before.Gateway(p.ID) != nil && !viaTransit(late.ID(), p.ID) {
			b = regions[p.ID]
			break
		}
	}
	if pingOnce(lr.host, b.hostIP, 100) {
		t.Errorf("%s, not in the mesh yet, reached %s", late.ID(), b.g.ID)
	}
	if set := sh(t, "ip", "netns", "exec", b.gw, "nft", "list", "set", "inet", "infra_mesh", "peers"); strings.Contains(set, keys.endpoint[late.ID()]) {
		t.Errorf("%s admits %s before the change:\n%s", b.g.ID, late.ID(), set)
	}

	// 3. while every pair of unchanged regions pings, add the late region
	// to every gateway one after another, check it, then remove it again
	var watch []*pinger
	for _, p := range pairs(before) {
		if p[0].g.ID < p[1].g.ID {
			watch = append(watch, startPing(t, p[0], p[1]))
		}
	}
	for _, w := range watch {
		w.await(3)
	}
	for _, g := range before.Gateways {
		regions[g.ID].apply(t, config(full, g.ID))
		cloudRoutes(full, g.ID)
	}
	checkAll(full, "after adding "+late.ID())
	checkApart(full, "after adding "+late.ID())
	for _, g := range before.Gateways {
		r := regions[g.ID]
		r.apply(t, config(before, g.ID))
		if routes := sh(t, "ip", "-n", r.gw, "route", "show", "dev", "wg0"); strings.Contains(routes, lr.cidr.String()) {
			t.Errorf("%s still routes %s to the tunnel after the removal:\n%s", g.ID, lr.cidr, routes)
		}
	}
	if pingOnce(lr.host, b.hostIP, 100) {
		t.Errorf("%s, removed, still reaches %s", late.ID(), b.g.ID)
	}
	sent, lost := 0, 0
	for _, w := range watch {
		w.await(w.replies() + 5) // the flows outlive the change
		s, l, run := w.stop()
		sent, lost = sent+s, lost+l
		if l < 0 || run >= 2 {
			t.Errorf("%s → %s stopped during the change: %d pings lost in a row (%d of %d lost)", w.from.g.ID, w.to.g.ID, run, l, s)
		} else if l > 0 {
			t.Logf("%s → %s lost %d isolated ping(s) of %d", w.from.g.ID, w.to.g.ID, l, s)
		}
	}
	if lost*200 > sent {
		t.Errorf("%d of %d pings lost during the change: more than 0.5%%", lost, sent)
	}
	t.Logf("during the add and the removal: %d flows between unchanged regions, %d pings, %d lost", len(watch), sent, lost)
}

func genKey(t *testing.T) (priv, pub string) {
	out, err := exec.Command("wg", "genkey").Output()
	if err != nil {
		t.Fatal(err)
	}
	priv = strings.TrimSpace(string(out))
	cmd := exec.Command("wg", "pubkey")
	cmd.Stdin = strings.NewReader(priv)
	if out, err = cmd.Output(); err != nil {
		t.Fatal(err)
	}
	return priv, strings.TrimSpace(string(out))
}

// nth is the n-th address of a prefix.
func nth(p netip.Prefix, n int) netip.Addr {
	a := p.Masked().Addr()
	for range n {
		a = a.Next()
	}
	return a
}

// pinger is a ping flow from one region's host to another's, every 100 ms.
type pinger struct {
	from, to *region
	cmd      *exec.Cmd
	mu       sync.Mutex
	n        int
	cond     *sync.Cond
	seqs     map[int]bool // the icmp_seq of every reply
	done     chan struct{}
}

var icmpSeq = regexp.MustCompile(`bytes from .* icmp_seq=(\d+)`)

func startPing(t *testing.T, from, to *region) *pinger {
	p := &pinger{from: from, to: to, seqs: map[int]bool{}, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	p.cmd = exec.Command("ip", "netns", "exec", from.host, "ping", "-n", "-i", "0.1", "-W", "1", to.hostIP.String())
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			if m := icmpSeq.FindStringSubmatch(sc.Text()); m != nil {
				seq, _ := strconv.Atoi(m[1])
				if !p.seqs[seq] {
					p.seqs[seq] = true
					p.n++
				}
			}
			p.mu.Unlock()
			p.cond.Broadcast()
		}
		p.mu.Lock()
		p.n = -1 // ended
		p.mu.Unlock()
		p.cond.Broadcast()
		close(p.done)
	}()
	return p
}

func (p *pinger) replies() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// await blocks until the flow has n replies (or has ended).
func (p *pinger) await(n int) {
	p.mu.Lock()
	for p.n >= 0 && p.n < n {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// stop interrupts ping and counts the echo requests up to the last one
// answered, the gaps among them, and the longest run of them: a request
// still in flight when ping is interrupted is none of these (ping's own
// summary would count it lost).
func (p *pinger) stop() (sent, lost, run int) {
	p.cmd.Process.Signal(syscall.SIGINT)
	<-p.done
	p.cmd.Wait()
	last := 0
	for seq := range p.seqs {
		last = max(last, seq)
	}
	if last == 0 {
		return 0, -1, 0
	}
	gap := 0
	for seq := 1; seq <= last; seq++ { // icmp_seq starts at 1
		if p.seqs[seq] {
			gap = 0
			continue
		}
		gap++
		run = max(run, gap)
	}
	return last, last - len(p.seqs), run
}
