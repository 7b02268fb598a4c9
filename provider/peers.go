package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/ssh"
)

// PeersType is a mesh gateway's peer configuration, pushed to the running
// gateway: Create and Update log in over SSH as the push account
// (stacks/wireguard.PushUser), whose only key runs the apply script with the
// wg-quick configuration on stdin. The script applies it with `wg syncconf`,
// so a change of peers updates the gateway in place: adding or removing a
// region touches no tunnel that stays, and no gateway is replaced for it.
//
// Inputs: gateway (region ID), host (the gateway's public IP), instance
// (its instance ID: a new instance is a new push target, so it replaces),
// peers (the peer region IDs, plain, so that a preview shows which peers
// change), config (secret) and privateKey (the push key, secret). Output:
// hostKey, the SHA-256 fingerprint of the gateway's SSH host key, learnt at
// the first push and required of every later one.
const PeersType = "infra:mesh:Peers"

// PushTimeout bounds a push, which waits for a new gateway to boot (sshd
// up, cloud-init done). A variable so tests can shorten it.
var PushTimeout = 10 * time.Minute

// PushPort is the gateway's SSH port. A variable so tests can use a
// loopback server.
var PushPort = 22

// pushUser is stacks/wireguard.PushUser; apply is its forced command.
const (
	pushUser  = "infra-mesh"
	pushApply = "sudo -n /usr/local/sbin/infra-mesh-apply"
)

func peersCreate(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	out := inputs.Copy()
	out["hostKey"] = resource.NewStringProperty("")
	return out, nil
}

// plainString reads a string input, secret or not.
func plainString(m resource.PropertyMap, k string) string {
	v := m[resource.PropertyKey(k)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// pushPeers pushes the configuration to the gateway and returns the
// outputs: the inputs and the host key. state is nil on Create.
func pushPeers(ctx context.Context, state, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	gw, host := plainString(inputs, "gateway"), plainString(inputs, "host")
	conf, key := plainString(inputs, "config"), plainString(inputs, "privateKey")
	if host == "" || conf == "" || key == "" {
		return nil, fmt.Errorf("%s %s: host, config and privateKey are required", PeersType, gw)
	}
	signer, err := ssh.ParsePrivateKey([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("%s %s: push key: %w", PeersType, gw, err)
	}
	known := ""
	if state != nil {
		known = plainString(state, "hostKey")
	}
	var seen string
	cfg := &ssh.ClientConfig{
		User: pushUser,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		// Trust on first use: the first push records the key; a later push
		// to a different key is refused (the instance input replaces this
		// resource, and so resets the key, when the gateway is replaced).
		HostKeyCallback: func(_ string, _ net.Addr, k ssh.PublicKey) error {
			seen = ssh.FingerprintSHA256(k)
			if known != "" && seen != known {
				return &hostKeyError{gw: gw, want: known, got: seen}
			}
			return nil
		},
		Timeout: 15 * time.Second,
	}
	ctx, cancel := context.WithTimeout(ctx, PushTimeout)
	defer cancel()
	addr := net.JoinHostPort(host, fmt.Sprint(PushPort))
	var last error
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		last = pushOnce(addr, cfg, conf)
		var hk *hostKeyError
		if last == nil || errors.As(last, &hk) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s %s: no push to %s within %s: %w", PeersType, gw, addr, PushTimeout, last)
		case <-time.After(wait):
		}
	}
	if last != nil {
		return nil, last
	}
	out := inputs.Copy()
	out["hostKey"] = resource.NewStringProperty(seen)
	return out, nil
}

type hostKeyError struct{ gw, want, got string }

func (e *hostKeyError) Error() string {
	return fmt.Sprintf("%s %s: the gateway's SSH host key is %s, not %s as at the first push: refusing to send it keys",
		PeersType, e.gw, e.got, e.want)
}

// pushOnce runs the apply command with the configuration on stdin. Its
// output is the script's diagnostics, which never echo the configuration.
func pushOnce(addr string, cfg *ssh.ClientConfig, conf string) error {
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	s.Stdin = strings.NewReader(conf)
	// CombinedOutput, not one buffer as both Stdout and Stderr: the session
	// copies the two streams from two goroutines (a data race under -race).
	if out, err := s.CombinedOutput(pushApply); err != nil {
		return fmt.Errorf("%s: %w: %s", pushApply, err, strings.TrimSpace(string(out)))
	}
	return nil
}
