package wireguard

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// KeyMaterial finds WireGuard key text (private, public or pre-shared: the
// same format) anywhere in a string: standard base64 of 32 bytes, whose 43rd
// character has its two low bits zero and whose 44th is "=", standing on
// its own: the tail of a longer base64 text (a certificate) is not a key.
var KeyMaterial = regexp.MustCompile(`(?:^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?:$|[^A-Za-z0-9+/=])`)

// Paths on the gateway.
const (
	ConfigPath   = "/etc/wireguard/wg0.conf"
	FirewallPath = "/etc/infra/mesh.nft"
	// PeersPath holds the firewall's peer set, which ApplyPath rewrites on
	// every push; the firewall unit loads it after FirewallPath.
	PeersPath = "/etc/infra/mesh-peers.nft"
	// ApplyPath is the command a push runs (ApplyScript).
	ApplyPath  = "/usr/local/sbin/infra-mesh-apply"
	sysctlPath = "/etc/sysctl.d/90-infra-mesh.conf"
	unitPath   = "/etc/systemd/system/infra-mesh-firewall.service"
	// Interface is the tunnel interface wg-quick makes from ConfigPath.
	Interface = "wg0"
	// PushUser is the account a push logs in as: its one key may run
	// ApplyPath and nothing else.
	PushUser = "infra-mesh"
)

// Boot is what a mesh gateway's first boot needs. None of it names a peer
// or holds a secret, so it does not change when regions join or leave the
// mesh or when keys rotate: the gateway is never replaced for that. Its
// wg-quick configuration (private key, peers, pre-shared keys) arrives
// later, over SSH, from the infra:mesh:Peers resource, and is applied in
// place by ApplyScript.
type Boot struct {
	// ID is the region ID the gateway serves.
	ID string
	// Port is the UDP port WireGuard listens on.
	Port int
	// Local is the region's network: the only place besides the tunnel
	// the gateway itself accepts connections from (SSH for break-glass).
	Local netip.Prefix
	// SNAT makes the gateway source-NAT what it forwards from the tunnel
	// into the region's network, for clouds that drop forwarded packets
	// with a foreign source address (OpenStack port security on OVH).
	SNAT bool
	// PushKey is the authorized_keys line (public) of the key the
	// infra:mesh:Peers resource pushes with.
	PushKey string
	// RelayPort, when set, is the UDP port on which the gateway takes
	// VXLAN from the relays in its region's other zones (RelayReceive) and
	// forwards what it unwraps to the tunnel: an IBM VPC route's next hop
	// must be in the zone the traffic comes from, so each other zone sends
	// the mesh's traffic to a relay of its own, which carries it here
	// (stacks/ibm RelayCloudInit).
	RelayPort int
}

// Zone relays: VXLAN between the relays and the gateway, on a link-local
// network clear of IBM's metadata address (169.254.169.254). VXLAN, not
// GRE or IP-in-IP: it is UDP, which the VPC security groups' icmp_tcp_udp
// admits, and its module ships in every stock kernel.
const (
	// RelayVNI is the VXLAN network the relays and the gateway share.
	RelayVNI = 4242
	// RelayMTU is the relays' tunnel MTU: IBM VPC's 1500 less VXLAN's 50
	// (outer IPv4 20, UDP 8, VXLAN 8, inner Ethernet 14). The mesh's
	// tunnel MTU is lower and the gateway clamps TCP MSS to it.
	RelayMTU = 1500 - 50
	// RelayGatewayMAC is the gateway's VXLAN address, which the relays
	// hold as a permanent neighbour: the gateway never sends to them.
	RelayGatewayMAC = "02:00:a9:fe:64:01"
	// relayDevice is the gateway's VXLAN interface.
	relayDevice = "vxr0"
)

// RelayNet is the relays' link-local network; the gateway is its first
// address and the relay of a region's zone i (0-based, i ≥ 1) is i+1.
var RelayNet = netip.MustParsePrefix("169.254.100.0/24")

// RelayGateway is the gateway's address on RelayNet.
func RelayGateway() netip.Addr { return RelayNet.Addr().Next() }

// RelayReceive are the commands that make the gateway's VXLAN interface
// for its zone relays, listening on port.
func RelayReceive(port int) []string {
	return []string{
		fmt.Sprintf("ip link add %s type vxlan id %d dstport %d nolearning", relayDevice, RelayVNI, port),
		fmt.Sprintf("ip link set %s address %s mtu %d", relayDevice, RelayGatewayMAC, RelayMTU),
		fmt.Sprintf("ip address add %s/%d dev %s", RelayGateway(), RelayNet.Bits(), relayDevice),
		fmt.Sprintf("ip link set %s up", relayDevice),
	}
}

// CloudInit renders the gateway's cloud-config for Ubuntu 24.04: it
// installs wireguard-tools and nftables, turns on IPv4 forwarding so the
// gateway routes between its region's network and the tunnel, loads a host
// firewall that drops WireGuard packets from anyone but the peers and clamps
// TCP MSS to the tunnel's MTU, and installs ApplyScript behind a push
// account whose only key runs it. The host firewall holds on every cloud,
// including OVH, whose instances take no security group; cloud firewalls add
// to it where they exist. The document holds no key: cloud user data is
// readable by anyone who can describe the instance (EC2
// DescribeInstanceAttribute) and by every process on the box (the metadata
// service), so the WireGuard keys travel over SSH instead.
func CloudInit(b Boot) (string, error) {
	if b.Port < 1 || b.Port > 65535 {
		return "", fmt.Errorf("%s: mesh port %d out of range", b.ID, b.Port)
	}
	if !strings.HasPrefix(b.PushKey, "ssh-ed25519 ") || strings.ContainsAny(b.PushKey, "\n'\"") {
		return "", fmt.Errorf("%s: push key %q is not an ssh-ed25519 authorized_keys line", b.ID, b.PushKey)
	}
	var w strings.Builder
	fmt.Fprintf(&w, "#cloud-config\n# %s: WireGuard mesh gateway, generated by infra\n", b.ID)
	w.WriteString("package_update: true\npackages:\n  - wireguard-tools\n  - nftables\n")
	// sshd runs the forced command whatever the client asks; restrict
	// turns off forwarding, agent, X11 and the pty (sshd(8), AUTHORIZED_KEYS
	// FILE FORMAT). sudo lets the account run the script and nothing else.
	w.WriteString("users:\n  - default\n")
	fmt.Fprintf(&w, "  - name: %s\n    lock_passwd: true\n    shell: /bin/sh\n", PushUser)
	fmt.Fprintf(&w, "    sudo: \"ALL=(root) NOPASSWD: %s\"\n", ApplyPath)
	fmt.Fprintf(&w, "    ssh_authorized_keys:\n      - 'restrict,command=\"sudo -n %s\" %s'\n", ApplyPath, b.PushKey)
	w.WriteString("write_files:\n")
	WriteFile(&w, sysctlPath, "0644", "net.ipv4.ip_forward = 1\n")
	WriteFile(&w, FirewallPath, "0644", Firewall(b))
	WriteFile(&w, PeersPath, "0644", "flush set inet infra_mesh peers\n")
	WriteFile(&w, ApplyPath, "0755", ApplyScript)
	WriteFile(&w, unitPath, "0644", `[Unit]
Description=infra mesh firewall: WireGuard from the mesh peers only
Before=wg-quick@`+Interface+`.service
After=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f `+FirewallPath+`
ExecStart=/usr/sbin/nft -f `+PeersPath+`

[Install]
WantedBy=multi-user.target
`)
	if b.RelayPort > 0 {
		// The unwrapped packets come in on vxr0 with a worker's source,
		// which the gateway reaches by eth0: loose reverse-path filtering
		// (RFC 3704) keeps them. The input chain admits the relays' UDP
		// (they are in Local) and the forward chain passes vxr0 → wg0.
		WriteFile(&w, relaySysctlPath, "0644", "net.ipv4.conf.all.rp_filter = 2\nnet.ipv4.conf.default.rp_filter = 2\n")
		var unit strings.Builder
		fmt.Fprintf(&unit, "[Unit]\nDescription=infra mesh: take the zone relays' VXLAN on port %d\nAfter=network-pre.target\n\n", b.RelayPort)
		unit.WriteString("[Service]\nType=oneshot\nRemainAfterExit=yes\n")
		for _, c := range RelayReceive(b.RelayPort) {
			unit.WriteString("ExecStart=/usr/sbin/" + c + "\n")
		}
		fmt.Fprintf(&unit, "ExecStop=/usr/sbin/ip link del %s\n\n[Install]\nWantedBy=multi-user.target\n", relayDevice)
		WriteFile(&w, relayUnitPath, "0644", unit.String())
	}
	w.WriteString("runcmd:\n")
	w.WriteString("  - [sysctl, --system]\n")
	w.WriteString("  - [systemctl, daemon-reload]\n")
	w.WriteString("  - [systemctl, enable, --now, infra-mesh-firewall.service]\n")
	if b.RelayPort > 0 {
		w.WriteString("  - [systemctl, enable, --now, infra-mesh-relays.service]\n")
	}
	return w.String(), nil
}

// Where a gateway that takes zone relays' traffic keeps its settings.
const (
	relaySysctlPath = "/etc/sysctl.d/90-infra-mesh-relays.conf"
	relayUnitPath   = "/etc/systemd/system/infra-mesh-relays.service"
)

// ApplyScript installs the wg-quick configuration it reads on stdin as the
// mesh interface's and applies it without taking the interface down, so
// that adding or removing a region, or re-keying one peer, interrupts no
// tunnel that stays:
//   - the firewall's peer set becomes the configuration's endpoints, in one
//     nft transaction (a new peer is admitted before it is configured);
//   - `wg syncconf` changes only the peers that differ (wg(8): "only
//     changes what is necessary, without disrupting current sessions");
//   - syncconf sets no MTU, so the script sets the configuration's MTU on
//     the interface, which keeps every session;
//   - syncconf installs no routes, so the script adds a route for every
//     AllowedIPs entry and removes the interface's routes that none names,
//     as `wg-quick up` would have (wg-quick(8), add_route);
//   - the first push brings the interface up with wg-quick.
//
// The environment overrides the paths, so tests run it in network
// namespaces with the real tools.
const ApplyScript = `#!/bin/bash
# infra-mesh-apply: install the wg-quick configuration on stdin and apply it in place. Generated by infra.
set -euo pipefail
iface=${INFRA_MESH_IFACE:-wg0}
conf=${INFRA_MESH_CONF:-/etc/wireguard/$iface.conf}
peers=${INFRA_MESH_PEERS:-/etc/infra/mesh-peers.nft}
umask 077
tmp=$(mktemp "$conf.XXXXXX")
trap 'rm -f "$tmp" "$peers.new"' EXIT
cat >"$tmp"
if ! grep -q '^\[Interface\]' "$tmp" || ! grep -Eq '^PrivateKey *= *[A-Za-z0-9+/]{43}=$' "$tmp"; then
	echo "infra-mesh-apply: stdin is not a wg-quick configuration with a private key" >&2
	exit 2
fi
endpoints=$(sed -n 's/^Endpoint *= *\([0-9.]*\):[0-9]*$/\1/p' "$tmp" | sort -u | paste -sd, -)
{
	echo "flush set inet infra_mesh peers"
	if [ -n "$endpoints" ]; then echo "add element inet infra_mesh peers { $endpoints }"; fi
} >"$peers.new"
nft -f "$peers.new"
chmod 0644 "$peers.new"
mv "$peers.new" "$peers"
mv "$tmp" "$conf"
if ! ip link show dev "$iface" >/dev/null 2>&1; then
	${INFRA_MESH_UP:-systemctl enable --now wg-quick@$iface.service}
	exit 0
fi
wg syncconf "$iface" <(wg-quick strip "$conf")
mtu=$(sed -n 's/^MTU *= *\([0-9]*\)$/\1/p' "$conf")
if [ -n "$mtu" ]; then ip link set dev "$iface" mtu "$mtu"; fi
want=$(wg show "$iface" allowed-ips | cut -f2 | tr ' ' '\n' | grep / | sort -u || true)
for r in $want; do ip -4 route replace "$r" dev "$iface"; done
ip -4 route show dev "$iface" | while read -r r rest; do
	case "$rest" in *"proto kernel"*) continue ;; esac
	case "$r" in */*) ;; *) r="$r/32" ;; esac
	grep -qxF -- "$r" <<<"$want" || ip -4 route del "$r" dev "$iface"
done
`

// WriteFile writes one cloud-config write_files entry with its content as a literal block.
func WriteFile(w *strings.Builder, path, mode, content string) {
	fmt.Fprintf(w, "  - path: %s\n    owner: root:root\n    permissions: %q\n    content: |\n", path, mode)
	for _, l := range strings.SplitAfter(strings.TrimSuffix(content, "\n"), "\n") {
		l = strings.TrimSuffix(l, "\n")
		if l == "" {
			w.WriteString("\n")
			continue
		}
		w.WriteString("      " + l + "\n")
	}
}

// Firewall is the gateway's nftables ruleset. The input chain drops by
// default: the gateway answers WireGuard from its peers (the set peers,
// which ApplyScript fills from PeersPath), anything over the tunnel, SSH
// (the push; sshd accepts keys only), connections from its own region's
// network, replies to what it started (DHCP, packages, metadata), and
// ICMP (path MTU discovery needs it); nothing else, so a 1:1 NAT that
// exposes every port (an OVH floating IP) exposes nothing. Forwarding is
// open to and from the tunnel and closed otherwise, with TCP MSS clamped to
// the tunnel's MTU, and with SNAT set what the
// tunnel delivers into the region's network leaves with the gateway's
// address. Loading it twice replaces it.
func Firewall(b Boot) string {
	var w strings.Builder
	w.WriteString("table inet infra_mesh\ndelete table inet infra_mesh\n")
	w.WriteString("table inet infra_mesh {\n\tset peers {\n\t\ttype ipv4_addr\n\t}\n\n")
	w.WriteString("\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n")
	w.WriteString("\t\tct state established,related accept\n")
	w.WriteString("\t\tct state invalid drop\n")
	w.WriteString("\t\tiifname \"lo\" accept\n")
	w.WriteString("\t\tmeta l4proto { icmp, ipv6-icmp } accept\n")
	fmt.Fprintf(&w, "\t\tudp dport %d ip saddr @peers accept\n", b.Port)
	fmt.Fprintf(&w, "\t\tiifname %q accept\n", Interface)
	// the push (PushUser's forced command; sshd takes keys only, Ubuntu's default)
	w.WriteString("\t\ttcp dport 22 accept\n")
	if b.Local.IsValid() {
		fmt.Fprintf(&w, "\t\tip saddr %s accept\n", b.Local.Masked())
	}
	// DHCP renewals are unicast replies to port 68 that conntrack may not tie to the request.
	w.WriteString("\t\tudp sport 67 udp dport 68 accept\n\t}\n\n")
	w.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
	// The gateway forwards between its region and the tunnel, nothing
	// else. A region's summary route (the RFC 1918 block, on AWS and OVH)
	// also sends it another environment's addresses, for which the tunnel
	// has no peer (network.Mesh): without this rule they would leave by the
	// default route, back into the region's network, and loop.
	fmt.Fprintf(&w, "\t\tiifname != %q oifname != %q drop\n", Interface, Interface)
	// Both directions of a connection leave through wg0 on one of the two
	// gateways, so clamping on the way out covers SYN and SYN-ACK.
	fmt.Fprintf(&w, "\t\toifname %q tcp flags syn tcp option maxseg size set rt mtu\n\t}\n", Interface)
	if b.SNAT {
		w.WriteString("\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n")
		fmt.Fprintf(&w, "\t\tiifname %q oifname != %q masquerade\n\t}\n", Interface, Interface)
	}
	w.WriteString("}\n")
	return w.String()
}
