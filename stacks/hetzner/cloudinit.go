package hetzner

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// k3sVersions pins the k3s release of each Kubernetes minor version the
// topology accepts: a new node installs it, and the upgrade Plans hold the
// running nodes at it (upgrade.go). Both shipped 2026-05-20:
// github.com/k3s-io/k3s/releases/tag/v1.35.5+k3s1 and
// github.com/k3s-io/k3s/releases/tag/v1.34.8+k3s1.
var k3sVersions = map[string]string{"1.34": "v1.34.8+k3s1", "1.35": "v1.35.5+k3s1"}

// k3sVersion is the pinned k3s release of a Kubernetes minor version.
func k3sVersion(kubernetes string) (string, error) {
	v, ok := k3sVersions[kubernetes]
	if !ok {
		return "", fmt.Errorf("no pinned k3s release for Kubernetes %s", kubernetes)
	}
	return v, nil
}

// installScript is the k3s installer at the pinned release's tag, not the
// floating get.k3s.io: the script then matches the binary it installs, and
// it checks that binary against the release's sha256sum file itself.
func installScript(version string) string {
	return "https://raw.githubusercontent.com/k3s-io/k3s/" + version + "/install.sh"
}

// Cluster-internal ranges of k3s (its defaults): pods and services.
var podCIDR = netip.MustParsePrefix("10.42.0.0/16")

// metadataIP is Hetzner's metadata service, which serves the node's user
// data (canonical/cloud-init DataSourceHetzner.py, userdata_url).
const metadataIP = "169.254.169.254"

// Paths on the node.
const (
	k3sConfigPath  = "/etc/rancher/k3s/config.yaml"
	installPath    = "/usr/local/sbin/infra-k3s-install"
	nodeFWPath     = "/etc/infra/node.nft"
	nodeFWUnitPath = "/etc/systemd/system/infra-node-firewall.service"
	// psaConfigPath is the API server's admission configuration, where
	// k3s's CIS hardening guide puts it (docs.k3s.io/security/hardening-guide,
	// "Pod Security").
	psaConfigPath = "/var/lib/rancher/k3s/server/psa.yaml"
)

// psaExempt are the namespaces Pod Security admission leaves alone: those
// of the platform's own host-network and privileged pods. kube-system holds
// k3s's packaged components (ServiceLB's svclb DaemonSets use host ports,
// docs.k3s.io/networking/networking-services, "How ServiceLB Works"), the
// hcloud CCM (hostNetwork) and the CSI node plugin (privileged, hostPath);
// system-upgrade holds Rancher's system-upgrade-controller, whose upgrade
// jobs run privileged in the host's namespaces (docs.k3s.io/upgrades/automated).
var psaExempt = []string{kubeSystem, upgradeNamespace}

// podSecurityConfig is the API server's AdmissionConfiguration for the
// PodSecurity plugin. Every namespace but psaExempt enforces the baseline
// Pod Security Standard, which forbids hostNetwork, hostPID, hostIPC,
// privileged containers and hostPath volumes: a workload pod then shares
// neither the node's network, and so cannot reach the metadata service that
// serves the user data with the join tokens and the CA key (the node
// firewall already stops pod-network pods), nor its files. Audit and warn
// use restricted, as the Kubernetes tutorial does ("Apply Pod Security
// Standards at the Cluster Level"), so users see what restricted would
// refuse without being refused. The k3s guide's example enforces restricted
// too; baseline keeps ordinary images (root users, default capabilities)
// running while still closing the host.
//
// Versions are "latest", the guides' choice: cloud-init writes this file
// only when a server is created, so a pinned version would differ between
// servers created before and after an upgrade, and with it what each API
// server behind the registration address admits.
//
// A namespace's own pod-security.kubernetes.io labels override these
// defaults (kubernetes.io/docs/concepts/security/pod-security-admission):
// whoever may label namespaces may lift them, as an administrator may.
// Field names: k8s.io/pod-security-admission admission/api/v1/types.go.
func podSecurityConfig() string {
	return `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: "baseline"
        enforce-version: "latest"
        audit: "restricted"
        audit-version: "latest"
        warn: "restricted"
        warn-version: "latest"
      exemptions:
        usernames: []
        runtimeClasses: []
        namespaces: [` + strings.Join(psaExempt, ", ") + `]
`
}

// node is what one server's cloud-init needs to know.
type node struct {
	// Role is "server" (control plane) or "agent" (worker).
	Role string
	// Name is the server's name, which becomes the node's: the
	// cloud-controller-manager finds a node's server by it until the node
	// has its provider ID.
	Name string
	// First is true for the server that initialises the embedded etcd
	// when the cluster is created.
	First bool
	// IP is the node's address on the private network.
	IP netip.Addr
	// Join is the cluster's registration address: the private load
	// balancer in front of every control plane.
	Join netip.Addr
	// Version is the pinned k3s release, e.g. "v1.35.5+k3s1".
	Version string
	// Region is the region's CIDR: the only network, besides the pods, that
	// reaches etcd, the kubelet and flannel.
	Region netip.Prefix
	// Labels become Kubernetes node labels.
	Labels map[string]string
}

// secrets are the join secrets: servers hold both, agents only the agent
// token, which joins agents and nothing more (k3s agent-token).
//
// Servers also get the cluster CA (caCert, caKey, PEM), installed as k3s's
// server and client CA before k3s first starts.
type secrets struct{ server, agent, caCert, caKey string }

// cloudInit renders a node's cloud-config: the k3s config file (holding a
// join token, so the result is as secret as the token), the node's host
// firewall, and the install script that runcmd starts.
//
// Nodes talk over the private network only: node-ip and advertise-address
// pin kubelet and etcd to it, and the install script adds flannel-iface, the
// interface that holds node-ip, because flannel otherwise takes the
// default-route interface, the public one on Hetzner (k3s-io/k3s#12459). All
// nodes register through the registration load balancer. Servers run
// embedded etcd with secrets encryption; the first server initialises etcd
// only when no control plane answers at the registration address yet, so a
// replaced first server rejoins the cluster instead of starting a new one.
// Servers are tainted so workloads land on workers, whose k3s service load
// balancer exposes the ingress on ports 80 and 443 to the Hetzner load
// balancer. The kubelets leave node initialisation to the hcloud
// cloud-controller-manager, which infra applies over the API (addons.go).
// The API servers admit workload pods under the baseline Pod Security
// Standard (podSecurityConfig), so no workload shares a node's network and
// reads the user data from the metadata service; the node firewall stops the
// rest.
func cloudInit(n node, s secrets) string {
	var cfg []string
	add := func(k, v string) { cfg = append(cfg, k+": "+v) }
	list := func(k string, vs ...string) {
		cfg = append(cfg, k+":")
		for _, v := range vs {
			cfg = append(cfg, "  - "+v)
		}
	}
	join := fmt.Sprintf("https://%s:%d", n.Join, apiPort)
	if n.Role == "server" {
		add("token", strconv.Quote(s.server))
		add("agent-token", strconv.Quote(s.agent))
	} else {
		add("token", strconv.Quote(s.agent))
	}
	if !n.First {
		add("server", strconv.Quote(join))
	}
	add("node-name", strconv.Quote(n.Name))
	add("node-ip", strconv.Quote(n.IP.String()))
	// The hcloud cloud-controller-manager replaces k3s's embedded one: k3s
	// stops its node controllers, and every kubelet waits for an external
	// one to initialise its node (docs.k3s.io/networking/networking-services,
	// "Deploying an External Cloud Controller Manager"; hcloud-cloud-
	// controller-manager docs/guides/quickstart.md: kubelet
	// --cloud-provider=external).
	list("kubelet-arg", strconv.Quote("cloud-provider=external"))
	if n.Role == "server" {
		add("advertise-address", strconv.Quote(n.IP.String()))
		add("secrets-encryption", "true")
		list("tls-san", strconv.Quote(n.Join.String()), strconv.Quote(n.IP.String()))
		list("node-taint", strconv.Quote("node-role.kubernetes.io/control-plane:NoSchedule"))
		add("disable-cloud-controller", "true")
		list("kube-apiserver-arg", strconv.Quote("admission-control-config-file="+psaConfigPath))
		// Hetzner volumes are the default storage (addons.go). k3s's
		// local-path class is node-local, lost with its node, and k3s
		// rewrites its packaged manifest, default annotation included, at
		// every start, so it goes rather than stay a second default.
		list("disable", strconv.Quote("local-storage"))
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
	writeFile(&b, k3sConfigPath, "0600", strings.Join(cfg, "\n")+"\n")
	if n.Role == "server" {
		// Only servers run the API server, and with it admission.
		writeFile(&b, psaConfigPath, "0600", podSecurityConfig())
	}
	if n.Role == "server" && s.caCert != "" {
		// One CA signs the API server's certificate and the clients': the
		// admin certificate of `infra kubeconfig` is one of them.
		for _, ca := range []string{"server-ca", "client-ca"} {
			writeFile(&b, k3sTLSDir+"/"+ca+".crt", "0644", s.caCert)
			writeFile(&b, k3sTLSDir+"/"+ca+".key", "0600", s.caKey)
		}
	}
	writeFile(&b, nodeFWPath, "0644", nodeFirewall(n.Region))
	writeFile(&b, nodeFWUnitPath, "0644", `[Unit]
Description=infra node firewall: no metadata service for pods, k3s ports for the region only
After=network-pre.target
Before=k3s.service k3s-agent.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f `+nodeFWPath+`

[Install]
WantedBy=multi-user.target
`)
	writeFile(&b, installPath, "0700", installer(n, join))
	b.WriteString("runcmd:\n")
	b.WriteString("  - [systemctl, daemon-reload]\n")
	b.WriteString("  - [systemctl, enable, --now, infra-node-firewall.service]\n")
	fmt.Fprintf(&b, "  - [%s]\n", installPath)
	return b.String()
}

// nodeFirewall is the node's nftables ruleset. Hetzner firewalls filter only
// the public interface, so the private network needs its own: pods may not
// reach the metadata service (it serves the user data, and with it the join
// token; pods in the node's own network leave from the node itself, so Pod
// Security admission keeps them out instead, podSecurityConfig), and etcd,
// the kubelet and flannel answer only the region's network and the pods,
// not other regions arriving over the mesh. The Kubernetes API
// stays reachable, as it is behind the registration load balancer anyway.
func nodeFirewall(region netip.Prefix) string {
	var b strings.Builder
	b.WriteString("table inet infra_node\ndelete table inet infra_node\n")
	b.WriteString("table inet infra_node {\n")
	b.WriteString("\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n")
	b.WriteString("\t\tiifname \"lo\" accept\n")
	fmt.Fprintf(&b, "\t\tip saddr { %s, %s } accept\n", region.Masked(), podCIDR)
	b.WriteString("\t\ttcp dport { 2379-2380, 10250 } drop\n")
	b.WriteString("\t\tudp dport 8472 drop\n\t}\n\n")
	b.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n")
	fmt.Fprintf(&b, "\t\tip saddr %s ip daddr %s drop\n\t}\n}\n", podCIDR, metadataIP)
	return b.String()
}

// installer is the node's install script: it finds the private interface
// for flannel, decides whether the first server initialises etcd, waits for
// the registration address where it must join, downloads the pinned
// installer with retries (a failed download stops the script instead of
// feeding sh an empty one) and installs k3s.
func installer(n node, join string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `#!/bin/sh
# infra: install k3s %s as %s
set -eu
cfg=%s
ip=%s
i=0
until iface=$(ip -o -4 addr show | awk -v ip="$ip" '{split($4, a, "/"); if (a[1] == ip) { print $2; exit }}'); [ -n "$iface" ]; do
  i=$((i + 1)); [ "$i" -le 120 ] || { echo "infra: no interface holds $ip" >&2; exit 1; }
  sleep 5
done
grep -q '^flannel-iface:' "$cfg" || echo "flannel-iface: \"$iface\"" >> "$cfg"
ready() { curl -ksf --max-time 5 %s/cacerts > /dev/null; }
`, n.Version, n.Role, k3sConfigPath, n.IP, join)
	if n.First {
		fmt.Fprintf(&b, `if ! grep -q '^server:\|^cluster-init:' "$cfg"; then
  if ready; then echo 'server: "%s"' >> "$cfg"; else echo 'cluster-init: true' >> "$cfg"; fi
fi
`, join)
	} else {
		b.WriteString(`i=0
until ready; do
  i=$((i + 1)); [ "$i" -le 360 ] || { echo "infra: no control plane at the registration address" >&2; exit 1; }
  sleep 10
done
`)
	}
	fmt.Fprintf(&b, `curl -sfL --retry 10 --retry-delay 5 --retry-all-errors -o /run/k3s-install.sh %s
INSTALL_K3S_VERSION=%s sh /run/k3s-install.sh %s
`, installScript(n.Version), n.Version, n.Role)
	return b.String()
}

// writeFile writes one write_files entry with its content as a literal block.
func writeFile(b *strings.Builder, path, mode, content string) {
	fmt.Fprintf(b, "  - path: %s\n    owner: root:root\n    permissions: %q\n    content: |\n", path, mode)
	for _, l := range strings.Split(strings.TrimSuffix(content, "\n"), "\n") {
		if l == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("      " + l + "\n")
	}
}
