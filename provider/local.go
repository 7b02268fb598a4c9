package provider

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The type tokens of the local types: resources that exist only in state,
// made where the engine runs. Their values are real (fresh keys from
// crypto/rand) whether the clouds are real or simulated, because nothing
// about them needs a cloud.
const (
	WireGuardKeyType = "infra:mesh:WireGuardKey"
	PresharedKeyType = "infra:mesh:PresharedKey"
	TokenType        = "infra:k3s:Token"
	SSHKeyType       = "infra:mesh:SshKey"
)

// Local is one local type: how its outputs are made, which inputs replace it
// and which outputs are secret.
type Local struct {
	// Create returns the outputs for the given inputs: the inputs plus
	// what was generated, with the secret outputs wrapped as secrets.
	Create func(inputs resource.PropertyMap) (resource.PropertyMap, error)
	// Replace lists the inputs whose change makes a new value (rotation).
	Replace []string
	// Outputs lists what Create draws; Secret those of them that are secret.
	Outputs, Secret []string
	// Push, when set, acts on a machine after Create and on every Update
	// (state is nil on Create) and returns the outputs. Only the real
	// provider calls it: the simulator has no machines to push to.
	Push func(ctx context.Context, state, inputs resource.PropertyMap) (resource.PropertyMap, error)
	// Delete, when set, undoes what Push did, given the state. Only the
	// real provider calls it.
	Delete func(ctx context.Context, state resource.PropertyMap) error
	// Check, when set, validates the inputs offline: the real provider and
	// the simulator both call it, so a simulated run fails where a real
	// one would.
	Check func(inputs resource.PropertyMap) []*pulumirpc.CheckFailure
	// Ignore lists the inputs whose change alone is no change (a
	// credential that expires and is fetched anew on every run).
	Ignore []string
}

var locals = map[string]Local{
	WireGuardKeyType: {Create: wireGuardKey, Replace: []string{"rotation"},
		Outputs: []string{"privateKey", "publicKey"}, Secret: []string{"privateKey"}},
	PresharedKeyType: {Create: presharedKey, Replace: []string{"rotation"},
		Outputs: []string{"key"}, Secret: []string{"key"}},
	SSHKeyType: {Create: sshKey, Replace: []string{"rotation"},
		Outputs: []string{"privateKey", "publicKey"}, Secret: []string{"privateKey"}},
	PeersType: {Create: peersCreate, Push: pushPeers, Replace: []string{"instance"},
		Outputs: []string{"hostKey"}},
	TokenType: {Create: token, Replace: []string{"length"},
		Outputs: []string{"token"}, Secret: []string{"token"}},
	AccountReadyType: {Create: accountReadyCreate, Push: accountReady},
}

// LocalType returns the local type of a token.
func LocalType(token string) (Local, bool) {
	l, ok := locals[token]
	return l, ok
}

// KeyPair returns a fresh WireGuard key pair in wg's text form: the
// base64 of a clamped Curve25519 private key and of its public key.
func KeyPair() (private, public string, err error) {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate WireGuard key: %w", err)
	}
	// crypto/ecdh clamps when it multiplies; wg stores the key clamped, so
	// clamp the bytes too and the text matches `wg genkey`.
	b := k.Bytes()
	b[0] &= 248
	b[31] = b[31]&127 | 64
	return base64.StdEncoding.EncodeToString(b), base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()), nil
}

// PublicKey derives the public key of a private key in wg's text form, as
// `wg pubkey` does.
func PublicKey(private string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(private)
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("not a WireGuard private key: want the base64 of 32 bytes")
	}
	k, err := ecdh.X25519().NewPrivateKey(b)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()), nil
}

func wireGuardKey(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	private, public, err := KeyPair()
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	out["privateKey"] = resource.MakeSecret(resource.NewStringProperty(private))
	out["publicKey"] = resource.NewStringProperty(public)
	return out, nil
}

// sshKey draws an Ed25519 key pair: the public key as an authorized_keys
// line, the private key as an OpenSSH PEM block (what ssh-keygen -t ed25519
// writes), secret.
func sshKey(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate SSH key: %w", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "infra")
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	out["privateKey"] = resource.MakeSecret(resource.NewStringProperty(string(pem.EncodeToMemory(block))))
	out["publicKey"] = resource.NewStringProperty(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " infra")
	return out, nil
}

func presharedKey(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	out := inputs.Copy()
	out["key"] = resource.MakeSecret(resource.NewStringProperty(base64.StdEncoding.EncodeToString(b[:])))
	return out, nil
}

// maxTokenLength bounds a token's length input, so a typo cannot ask for
// gigabytes.
const maxTokenLength = 1024

func token(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	n := 32
	if v, ok := inputs["length"]; ok && v.IsNumber() {
		n = int(v.NumberValue())
	}
	if n < 16 || n > maxTokenLength {
		return nil, fmt.Errorf("%s: length %d: want between 16 and %d bytes", TokenType, n, maxTokenLength)
	}
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	out := inputs.Copy()
	out["token"] = resource.MakeSecret(resource.NewStringProperty(hex.EncodeToString(b)))
	return out, nil
}

// The RPCs of the local types. Server dispatches to them before the IBM
// handlers; they need no credentials.

func localCheck(l Local, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return l.CheckRequest(req)
}

// CheckRequest answers a check of the local type: the inputs as they are,
// with the failures of l.Check. The simulator shares it.
func (l Local) CheckRequest(req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	resp := &pulumirpc.CheckResponse{Inputs: req.GetNews()}
	if l.Check == nil {
		return resp, nil
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	resp.Failures = l.Check(news)
	return resp, nil
}

// WithoutIgnored drops the inputs of l.Ignore, for a diff.
func (l Local) WithoutIgnored(m resource.PropertyMap) resource.PropertyMap {
	if len(l.Ignore) == 0 {
		return m
	}
	out := m.Copy()
	for _, k := range l.Ignore {
		delete(out, resource.PropertyKey(k))
	}
	return out
}

// localDiff: the inputs l.Replace names replace it (a rotation).
func localDiff(l Local, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := diffRequestInputs(req)
	if err != nil {
		return nil, err
	}
	return DiffInputs(l.WithoutIgnored(olds), l.WithoutIgnored(news), func(name string) bool { return slices.Contains(l.Replace, name) }), nil
}

// localCreate draws the values; a preview leaves them unknown.
func localCreate(ctx context.Context, l Local, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	inputs, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	var outs resource.PropertyMap
	id := ""
	if req.GetPreview() {
		outs = inputs.Copy()
		for _, k := range l.Outputs {
			outs[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	} else {
		if outs, err = l.Create(inputs); err != nil {
			return nil, err
		}
		if l.Push != nil {
			if outs, err = l.Push(ctx, nil, outs); err != nil {
				return nil, err
			}
		}
		id = localID()
	}
	props, err := marshal("outputs", outs)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

// localRead: only the state knows a local resource, so it is as the state
// says, and a refresh never reports drift or deletion.
func localRead(req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// localUpdate keeps the values drawn: an in-place update changes only
// inputs that draw nothing.
func localUpdate(ctx context.Context, l Local, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	state, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	outs := news.Copy()
	for _, k := range l.Outputs {
		if v, ok := state[resource.PropertyKey(k)]; ok {
			outs[resource.PropertyKey(k)] = v
		}
	}
	if l.Push != nil && !req.GetPreview() {
		if outs, err = l.Push(ctx, state, news); err != nil {
			return nil, err
		}
	}
	props, err := marshal("outputs", outs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// localID names a local resource: random, as there is no cloud to ask.
func localID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
