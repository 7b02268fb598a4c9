// Package wireguard holds the project's own Pulumi resource types for the
// WireGuard mesh (a gateway's key pair and a peer pair's pre-shared key) and
// the first-boot configuration every mesh gateway runs, whatever its cloud.
//
// The types are client side only: the infra binary's provider serves them
// (package infra), creating keys where the engine runs so that no cloud
// ever sees a private key before the gateway it belongs to boots.
package wireguard

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The type tokens the provider serves. Create draws a fresh Curve25519 key
// (or 32 random bytes for a PSK) and returns it in WireGuard's text form:
// standard base64 of 32 bytes, 44 characters.
const (
	WireGuardKeyType = "infra:mesh:WireGuardKey"
	PresharedKeyType = "infra:mesh:PresharedKey"
)

// SSHKeyType is a gateway's SSH key pair, for clouds whose instances
// require one: the OVH instance resource takes exactly one of sshKey and
// sshKeyCreate (terraform-provider-ovh v2.17.0
// resource_cloud_project_instance.go:157). Create draws an Ed25519 key and
// returns the public half in authorized_keys form and the private half, a
// secret output, as an OpenSSH private key. Nobody needs it for the mesh
// (cloud-init configures the gateway); it is the break-glass key, readable
// only by whoever can decrypt the stack's state.
const SSHKeyType = "infra:mesh:SshKey"

// Types lists the mesh type tokens the programs declare. The provider must
// serve each of them.
var Types = []string{WireGuardKeyType, PresharedKeyType, SSHKeyType, PeersType}

// PeersType is a gateway's peer configuration, pushed to the running
// gateway over SSH as PushUser and applied in place by ApplyScript (see
// package provider). Only the instance input replaces it; a change of peers
// or keys updates it, and so the gateway, in place.
const PeersType = "infra:mesh:Peers"

// Peers is a gateway's pushed peer configuration.
type Peers struct {
	pulumi.CustomResourceState

	// HostKey is the SHA-256 fingerprint of the gateway's SSH host key,
	// learnt at the first push and required of every later one.
	HostKey pulumi.StringOutput `pulumi:"hostKey"`
}

// PeersArgs are the inputs of a Peers.
type PeersArgs struct {
	// Gateway is the region ID the gateway serves.
	Gateway pulumi.StringInput
	// Host is the gateway's public IP.
	Host pulumi.StringInput
	// Instance is the gateway's instance ID: a new instance is pushed anew.
	Instance pulumi.StringInput
	// Peers are the peer region IDs, in the clear so a preview shows them.
	Peers pulumi.StringArrayInput
	// Config is the wg-quick configuration (secret: keys).
	Config pulumi.StringInput
	// PrivateKey is the push key (secret).
	PrivateKey pulumi.StringInput
}

type peersArgs struct {
	Gateway    string   `pulumi:"gateway"`
	Host       string   `pulumi:"host"`
	Instance   string   `pulumi:"instance"`
	Peers      []string `pulumi:"peers"`
	Config     string   `pulumi:"config"`
	PrivateKey string   `pulumi:"privateKey"`
}

// ElementType is the plain shape PeersArgs marshals as.
func (PeersArgs) ElementType() reflect.Type { return reflect.TypeOf((*peersArgs)(nil)).Elem() }

// NewPeers declares a gateway's pushed peer configuration. The
// configuration and the push key are secrets whatever the caller passed.
func NewPeers(ctx *pulumi.Context, name string, args *PeersArgs, opts ...pulumi.ResourceOption) (*Peers, error) {
	if args == nil || args.Config == nil || args.PrivateKey == nil || args.Host == nil {
		return nil, fmt.Errorf("%s %s: Host, Config and PrivateKey are required", PeersType, name)
	}
	a := *args
	a.Config = pulumi.ToSecret(args.Config).(pulumi.StringOutput)
	a.PrivateKey = pulumi.ToSecret(args.PrivateKey).(pulumi.StringOutput)
	var res Peers
	if err := ctx.RegisterResource(PeersType, name, &a, &res, opts...); err != nil {
		return nil, err
	}
	return &res, nil
}

// SSHKey is a gateway's SSH key pair. The private key is always a secret output.
type SSHKey struct {
	pulumi.CustomResourceState

	// Rotation is the generation of the key; changing it replaces the key.
	Rotation pulumi.IntPtrOutput `pulumi:"rotation"`
	// PublicKey is the authorized_keys line: "ssh-ed25519 AAAA... <comment>".
	PublicKey pulumi.StringOutput `pulumi:"publicKey"`
	// PrivateKey is the OpenSSH private key (PEM).
	PrivateKey pulumi.StringOutput `pulumi:"privateKey"`
}

// SSHKeyArgs are the inputs of an SSHKey.
type SSHKeyArgs struct {
	// Rotation is optional; bump it to replace the key.
	Rotation pulumi.IntPtrInput
}

// ElementType is the plain shape SSHKeyArgs marshals as.
func (SSHKeyArgs) ElementType() reflect.Type { return reflect.TypeOf((*keyArgs)(nil)).Elem() }

// NewSSHKey declares a gateway's SSH key pair.
func NewSSHKey(ctx *pulumi.Context, name string, args *SSHKeyArgs, opts ...pulumi.ResourceOption) (*SSHKey, error) {
	if args == nil {
		args = &SSHKeyArgs{}
	}
	return declareKey(ctx, SSHKeyType, name, args, "privateKey", func(k *SSHKey) *pulumi.StringOutput { return &k.PrivateKey }, opts)
}

// declareKey declares a key resource of type typ whose output secret (the
// field the function points at) is always secret: the engine encrypts it
// in state, and wrapping it here too keeps it secret where no engine is
// involved (mocks, plans).
func declareKey[R any, P interface {
	*R
	pulumi.CustomResource
}](ctx *pulumi.Context, typ, name string, args pulumi.Input, secret string, field func(P) *pulumi.StringOutput, opts []pulumi.ResourceOption) (P, error) {
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{secret}))
	res := P(new(R))
	if err := ctx.RegisterResource(typ, name, args, res, opts...); err != nil {
		return nil, err
	}
	out := field(res)
	*out = pulumi.ToSecret(*out).(pulumi.StringOutput)
	return res, nil
}

// WireGuardKey is a gateway's key pair. The private key is always a secret
// output: the engine encrypts it in state and plans show it redacted.
type WireGuardKey struct {
	pulumi.CustomResourceState

	// Rotation is the generation of the key; changing it replaces the key.
	Rotation pulumi.IntPtrOutput `pulumi:"rotation"`
	// PublicKey is what peers name the gateway by.
	PublicKey pulumi.StringOutput `pulumi:"publicKey"`
	// PrivateKey never leaves state except into the gateway's own config.
	PrivateKey pulumi.StringOutput `pulumi:"privateKey"`
}

type keyArgs struct {
	Rotation *int `pulumi:"rotation"`
}

// WireGuardKeyArgs are the inputs of a WireGuardKey.
type WireGuardKeyArgs struct {
	// Rotation is optional; bump it to replace the key (and so re-key the gateway).
	Rotation pulumi.IntPtrInput
}

// ElementType is the plain shape WireGuardKeyArgs marshals as.
func (WireGuardKeyArgs) ElementType() reflect.Type { return reflect.TypeOf((*keyArgs)(nil)).Elem() }

// NewWireGuardKey declares a gateway's key pair.
func NewWireGuardKey(ctx *pulumi.Context, name string, args *WireGuardKeyArgs, opts ...pulumi.ResourceOption) (*WireGuardKey, error) {
	if args == nil {
		args = &WireGuardKeyArgs{}
	}
	return declareKey(ctx, WireGuardKeyType, name, args, "privateKey", func(k *WireGuardKey) *pulumi.StringOutput { return &k.PrivateKey }, opts)
}

// PresharedKey is the symmetric key one peer pair mixes into its handshake,
// for post-quantum resistance. The key output is always a secret.
type PresharedKey struct {
	pulumi.CustomResourceState

	// Rotation is the generation of the key; changing it replaces the key.
	Rotation pulumi.IntPtrOutput `pulumi:"rotation"`
	Key      pulumi.StringOutput `pulumi:"key"`
}

// PresharedKeyArgs are the inputs of a PresharedKey.
type PresharedKeyArgs struct {
	// Rotation is optional; bump it to replace the key.
	Rotation pulumi.IntPtrInput
}

// ElementType is the plain shape PresharedKeyArgs marshals as.
func (PresharedKeyArgs) ElementType() reflect.Type { return reflect.TypeOf((*keyArgs)(nil)).Elem() }

// NewPresharedKey declares a peer pair's pre-shared key.
func NewPresharedKey(ctx *pulumi.Context, name string, args *PresharedKeyArgs, opts ...pulumi.ResourceOption) (*PresharedKey, error) {
	if args == nil {
		args = &PresharedKeyArgs{}
	}
	return declareKey(ctx, PresharedKeyType, name, args, "key", func(k *PresharedKey) *pulumi.StringOutput { return &k.Key }, opts)
}

// The outputs of a regional stack in the mesh that every cloud exports
// alike; each cloud adds what placing its gateway takes.
const (
	// PublicIPOutput is the gateway's stable public IPv4: its peers' Endpoint.
	PublicIPOutput = "meshPublicIp"
	// PublicKeyOutput is the gateway's public key.
	PublicKeyOutput = "meshPublicKey"
	// PrivateKeyOutput is the gateway's private key, a secret output that
	// only the global stack reads, to render the gateway's own wg0.conf.
	PrivateKeyOutput = "meshPrivateKey"
)

// SitesOutput names the map output that holds output's value for each of
// a region's mesh gateways, by site ID, where the gateways are per zone
// (network.PerZone): "meshPublicIps" for PublicIPOutput.
func SitesOutput(output string) string { return output + "s" }

// Export declares the key pair and public IP outputs of a regional stack.
func Export(ctx *pulumi.Context, key *WireGuardKey, publicIP pulumi.StringInput) {
	ctx.Export(PublicIPOutput, publicIP)
	ctx.Export(PublicKeyOutput, key.PublicKey)
	ctx.Export(PrivateKeyOutput, key.PrivateKey)
}

// Peer is another gateway, as a gateway's firewall admits it.
type Peer struct {
	// ID is the peer's region ID.
	ID string
	// PublicIP is the peer's stable public IPv4.
	PublicIP pulumi.StringOutput
}

// CIDR is the peer's public IP as a host block, the form firewalls take.
func (p Peer) CIDR() pulumi.StringOutput {
	return p.PublicIP.ApplyT(func(ip string) string { return ip + "/32" }).(pulumi.StringOutput)
}
