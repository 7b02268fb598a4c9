package computed

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/ssh"
)

// documentationNets are the IPv4 blocks reserved for documentation (RFC
// 5737): addresses that can never reach a real host.
var documentationNets = [][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

func publicIPv4(r Resource, prop string) resource.PropertyValue {
	h := digest(r.URN, prop)
	n := documentationNets[int(h[0])%len(documentationNets)]
	return value(netip.AddrFrom4([4]byte{n[0], n[1], n[2], 1 + h[1]%254}).String())
}

// publicIPv6 takes an address in 2001:db8::/32, the IPv6 documentation
// prefix (RFC 3849).
func publicIPv6(r Resource, prop string) resource.PropertyValue {
	h := digest(r.URN, prop)
	a := [16]byte{0x20, 0x01, 0x0d, 0xb8}
	copy(a[8:], h[:8])
	return value(netip.AddrFrom16(a).String())
}

// privateIPv4 takes an address in 10.0.0.0/8.
func privateIPv4(r Resource, prop string) resource.PropertyValue {
	h := digest(r.URN, prop)
	return value(netip.AddrFrom4([4]byte{10, h[0], h[1], 1 + h[2]%254}).String())
}

// instancePublicIP is an EC2 instance's public address: one only when the
// instance asks for it, "" otherwise, as the provider reports an instance
// without one (an Elastic IP is a resource of its own).
func instancePublicIP(r Resource, prop string) resource.PropertyValue {
	if v, ok := r.Inputs["associatePublicIpAddress"]; ok && v.IsBool() && v.BoolValue() {
		return publicIPv4(r, prop)
	}
	return value("")
}

// ec2DNS is the public DNS name AWS gives an Elastic IP: the address,
// dashed (ec2-203-0-113-5.compute-1.amazonaws.com), here under
// .sim.invalid.
func ec2DNS(r Resource, _ string) resource.PropertyValue {
	ip := publicIPv4(r, "publicIp").StringValue()
	return value("ec2-" + strings.ReplaceAll(ip, ".", "-") + ".sim.invalid")
}

// firstHost is the first address of a range, which Hetzner and OVH give
// the network's gateway.
func firstHost(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return ""
	}
	return p.Masked().Addr().Next().String()
}

// hostname is <name>-<hex>.sim.invalid: the .invalid top-level domain
// never resolves (RFC 2606).
func hostname(r Resource, prop string) resource.PropertyValue {
	return value(dnsLabel(nameOr(r), 54) + "-" + hexOf(r.URN, prop, 8) + ".sim.invalid")
}

func httpsURL(r Resource, prop string) resource.PropertyValue {
	return value("https://" + hostname(r, prop).StringValue())
}

// dnsLabel lowercases s, replaces what a DNS label cannot hold and keeps
// at most max characters.
func dnsLabel(s string, max int) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	if len(b) > max {
		b = b[:max]
	}
	return strings.Trim(string(b), "-")
}

// nameServers are a DNS zone's name servers: four for Route 53, two for
// CIS (Cloudflare).
func nameServers(r Resource, prop string) resource.PropertyValue {
	n := 2
	if pkg, _, _ := splitToken(r.Type()); pkg == "aws" {
		n = 4
	}
	var out []resource.PropertyValue
	for i := 1; i <= n; i++ {
		out = append(out, value(fmt.Sprintf("ns%d-%s.sim.invalid", i, hexOf(r.URN, prop, 8))))
	}
	return resource.NewProperty(out)
}

// orgRoots is an AWS organization's one root.
func orgRoots(r Resource, _ string) resource.PropertyValue {
	id := orgRootID(r.URN)
	return resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
		"id":   value(id),
		"arn":  value(orgARN("root/" + orgID(r.URN) + "/" + id)),
		"name": value("Root"),
	})})
}

func orgARN(res string) string { return "arn:aws:organizations::" + Account + ":" + res }

// crn is an IBM Cloud resource name for the VPC service ("is").
func crn(r Resource, _ string) resource.PropertyValue {
	_, _, kind := splitToken(r.Type())
	region := str(r.Inputs, "region")
	if region == "" {
		region = r.Region
	}
	return value(fmt.Sprintf("crn:v1:bluemix:public:is:%s:a/%s::%s:%s", region, IBMAccount, strings.ToLower(kind), r.ID))
}

// transitCRN is a Transit Gateway's CRN: service transit, in its location.
func transitCRN(r Resource, _ string) resource.PropertyValue {
	return value(fmt.Sprintf("crn:v1:bluemix:public:transit:%s:a/%s::gateway:%s", str(r.Inputs, "location"), IBMAccount, r.ID))
}

// openstackIDs maps each region of an OVH private network to the ID of its
// OpenStack network there.
func openstackIDs(r Resource, prop string) resource.PropertyValue {
	ids := resource.PropertyMap{}
	if rs, ok := r.Inputs["regions"]; ok && rs.IsArray() {
		for _, reg := range rs.ArrayValue() {
			if reg.IsString() {
				ids[resource.PropertyKey(reg.StringValue())] = value(uuidOf(r.URN, prop+"/"+reg.StringValue()))
			}
		}
	}
	return resource.NewProperty(ids)
}

// secretToken stands in for a random secret, always wrapped as a secret so
// it is redacted like the real one.
func secretToken(r Resource, prop string) resource.PropertyValue {
	return resource.MakeSecret(value(hexOf(r.URN, prop, 64)))
}

// wgKey is a pre-shared key in WireGuard's exact text form, always secret,
// so a plan that leaked one would fail the key-material check of every
// output (wireguard.KeyMaterial).
func wgKey(r Resource, prop string) resource.PropertyValue {
	h := digest(r.URN, "wg-key/"+prop)
	return resource.MakeSecret(value(base64.StdEncoding.EncodeToString(h[:])))
}

// wgPrivateKey is a clamped Curve25519 private key, secret like wgKey.
func wgPrivateKey(r Resource, prop string) resource.PropertyValue {
	h := digest(r.URN, "wg-private-key/"+prop)
	h[0] &= 248
	h[31] = h[31]&127 | 64
	return resource.MakeSecret(value(base64.StdEncoding.EncodeToString(h[:])))
}

// wgPublicKey stands in for a public key. Public keys are no secret, but a
// plan shows none in key form, so that the key-material check has no
// exceptions to make.
func wgPublicKey(r Resource, prop string) resource.PropertyValue {
	return value("plan-public-key-" + hexOf(r.URN, prop, 16))
}

// sshPublicKey is an Ed25519 public key in authorized_keys form, as the
// infra provider makes it (ssh-ed25519 <base64> infra), derived from the
// URN; its private half is a secret stand-in (token).
func sshPublicKey(r Resource, prop string) resource.PropertyValue {
	seed := digest(r.URN, "ssh-key/"+prop)
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic(err) // an Ed25519 key always converts
	}
	return value(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " infra")
}

// hostKey is an SSH host key's SHA-256 fingerprint, as ssh-keygen -l prints
// it (what infra:mesh:Peers learns on its first push).
func hostKey(r Resource, prop string) resource.PropertyValue {
	d := digest(r.URN, "host-key/"+prop)
	return value("SHA256:" + strings.TrimRight(base64.StdEncoding.EncodeToString(d[:]), "="))
}
