package hetzner

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// k3sInstall is the k3s installer. INSTALL_K3S_CHANNEL selects the minor
// release (channel "v1.35" follows the newest 1.35.x).
const k3sInstall = "https://get.k3s.io"

// node is what one server's cloud-init needs to know.
type node struct {
	// Role is "server" (control plane) or "agent" (worker).
	Role string
	// First is true for the server that initialises the embedded etcd.
	First bool
	// IP is the node's address on the private network.
	IP netip.Addr
	// Join is the private address of the first server; unused by it.
	Join netip.Addr
	// Channel is the k3s release channel, e.g. "v1.35".
	Channel string
	// Labels become Kubernetes node labels.
	Labels map[string]string
}

// cloudInit renders a node's cloud-config: the k3s config file (holding the
// join token, so the result is as secret as the token) and the install.
//
// Nodes talk over the private network only: node-ip pins kubelet and
// flannel to it. Servers run embedded etcd (cluster-init on the first), so
// a single control plane can later grow to three. Servers are tainted so
// workloads land on workers, whose k3s service load balancer exposes the
// ingress on ports 80 and 443 to the Hetzner load balancer.
func cloudInit(n node, token string) string {
	var cfg []string
	add := func(k, v string) { cfg = append(cfg, k+": "+v) }
	list := func(k string, vs ...string) {
		cfg = append(cfg, k+":")
		for _, v := range vs {
			cfg = append(cfg, "  - "+v)
		}
	}
	add("token", strconv.Quote(token))
	switch {
	case n.Role == "server" && n.First:
		add("cluster-init", "true")
	default:
		add("server", strconv.Quote(fmt.Sprintf("https://%s:%d", n.Join, apiPort)))
	}
	add("node-ip", strconv.Quote(n.IP.String()))
	if n.Role == "server" {
		add("advertise-address", strconv.Quote(n.IP.String()))
		list("tls-san", strconv.Quote(n.IP.String()))
		list("node-taint", strconv.Quote("node-role.kubernetes.io/control-plane:NoSchedule"))
	}
	keys := make([]string, 0, len(n.Labels))
	for k := range n.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var labels []string
	for _, k := range keys {
		labels = append(labels, strconv.Quote(k+"="+n.Labels[k]))
	}
	if len(labels) > 0 {
		list("node-label", labels...)
	}

	var b strings.Builder
	b.WriteString("#cloud-config\n")
	b.WriteString("write_files:\n")
	b.WriteString("  - path: /etc/rancher/k3s/config.yaml\n")
	b.WriteString("    owner: root:root\n")
	b.WriteString("    permissions: \"0600\"\n")
	b.WriteString("    content: |\n")
	for _, l := range cfg {
		b.WriteString("      " + l + "\n")
	}
	b.WriteString("runcmd:\n")
	fmt.Fprintf(&b, "  - curl -sfL %s | INSTALL_K3S_CHANNEL=%s sh -s - %s\n", k3sInstall, n.Channel, n.Role)
	return b.String()
}
