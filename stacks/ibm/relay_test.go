package ibm

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"infra/network"
	"infra/stacks/wireguard"
)

// TestRelayCarriesZoneTraffic runs the generated relay script and the
// gateway's relay commands, sysctl and firewall (wireguard.RelayReceive,
// wireguard.Firewall) with the real tools in network namespaces: a worker
// in the VPC's second zone pings a host behind the gateway's tunnel (a link
// named wg0, as the firewall expects), over worker → relay (the zone's
// route) → VXLAN → gateway → wg0, the replies coming back directly. A "vpc"
// namespace routes between the zones' subnets, as the VPC does, and sends
// the zone's mesh range to the relay, as the zone's custom route does.
// Before the relay script runs the ping fails; after, it passes at the
// relay's full MTU with DF set, and the gateway's VXLAN interface counts it.
func TestRelayCarriesZoneTraffic(t *testing.T) {
	for _, tool := range []string{"ip", "nft", "ping", "bash", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	pfx := fmt.Sprintf("ibmrelay%d", os.Getpid()%100000)
	ns := func(n string) string { return pfx + "-" + n }
	cmd := func(n string, args ...string) *exec.Cmd {
		return exec.Command("ip", append([]string{"netns", "exec", ns(n)}, args...)...)
	}
	in := func(n string, args ...string) string {
		t.Helper()
		out, err := cmd(n, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %s: %v\n%s", n, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	for _, n := range []string{"vpc", "worker", "relay", "gateway", "remote"} {
		if out, err := exec.Command("ip", "netns", "add", ns(n)).CombinedOutput(); err != nil {
			t.Skipf("ip netns add: %v %s", err, out)
		}
		n := n
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns(n)).Run() })
		in(n, "ip", "link", "set", "lo", "up")
		in(n, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	}
	link := func(a, aIf, aAddr, b, bIf, bAddr string) {
		t.Helper()
		if out, err := exec.Command("ip", "link", "add", pfx[:4]+"x", "netns", ns(a), "type", "veth", "peer", "name", pfx[:4]+"y", "netns", ns(b)).CombinedOutput(); err != nil {
			t.Fatalf("veth: %v %s", err, out)
		}
		in(a, "ip", "link", "set", pfx[:4]+"x", "name", aIf)
		in(b, "ip", "link", "set", pfx[:4]+"y", "name", bIf)
		in(a, "ip", "address", "add", aAddr, "dev", aIf)
		in(b, "ip", "address", "add", bAddr, "dev", bIf)
		in(a, "ip", "link", "set", aIf, "up")
		in(b, "ip", "link", "set", bIf, "up")
	}
	// us-south-1 holds the gateway, us-south-2 the worker and the relay
	link("vpc", "z1", "10.240.0.1/24", "gateway", "eth0", "10.240.0.4/24")
	link("vpc", "z2w", "10.240.64.1/26", "worker", "eth0", "10.240.64.10/26")
	link("vpc", "z2r", "10.240.64.65/26", "relay", "eth0", "10.240.64.68/26")
	link("gateway", "wg0", "10.1.0.1/16", "remote", "eth0", "10.1.0.10/16")
	in("gateway", "ip", "route", "add", "default", "via", "10.240.0.1")
	in("worker", "ip", "route", "add", "default", "via", "10.240.64.1")
	in("relay", "ip", "route", "add", "default", "via", "10.240.64.65")
	in("remote", "ip", "route", "add", "default", "via", "10.1.0.1")
	// the zone's custom route: the mesh range's next hop is the relay
	in("vpc", "ip", "route", "add", "10.1.0.0/16", "via", "10.240.64.68")

	// the gateway as its cloud-init makes it
	local := netip.MustParsePrefix("10.240.0.0/16")
	nft := cmd("gateway", "nft", "-f", "-")
	nft.Stdin = strings.NewReader(wireguard.Firewall(wireguard.Boot{ID: "ibm-us-south-prod", Port: 51820, Local: local, RelayPort: RelayPort}))
	if out, err := nft.CombinedOutput(); err != nil {
		t.Fatalf("nft: %v\n%s", err, out)
	}
	in("gateway", "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=2", "net.ipv4.conf.default.rp_filter=2")
	for _, c := range wireguard.RelayReceive(RelayPort) {
		in("gateway", strings.Fields(c)...)
	}

	ping := func(size int) bool {
		return cmd("worker", "ping", "-n", "-c", "1", "-W", "1", "-M", "do", "-s", strconv.Itoa(size-28), "10.1.0.10").Run() == nil
	}
	if ping(100) {
		t.Fatal("the worker reaches the remote host before the relay runs: the test proves nothing")
	}
	script, err := RelayScript(1, netip.MustParseAddr("10.240.0.4"),
		[]network.Route{{Name: "remote", Destination: netip.MustParsePrefix("10.1.0.0/16")}})
	if err != nil {
		t.Fatal(err)
	}
	run := cmd("relay", "bash", "-s")
	run.Stdin = strings.NewReader(script)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("relay script: %v\n%s", err, out)
	}
	if !ping(100) {
		t.Fatalf("the worker does not reach the remote host through the relay\nrelay: %s\ngateway: %s",
			in("relay", "ip", "-d", "link", "show", "mesh0"), in("gateway", "ip", "-s", "link", "show", "vxr0"))
	}
	if !ping(wireguard.RelayMTU) {
		t.Errorf("a %d-byte packet with DF set does not pass the relay", wireguard.RelayMTU)
	}
	rx, _ := strconv.Atoi(strings.TrimSpace(in("gateway", "cat", "/sys/class/net/vxr0/statistics/rx_packets")))
	if rx < 2 {
		t.Errorf("the gateway's VXLAN interface received %d packets, want the pings", rx)
	}
}
