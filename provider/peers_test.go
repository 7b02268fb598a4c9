package provider

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/ssh"
)

// gatewaySSH is a loopback sshd standing in for a gateway: it admits one
// user with one key and records what each exec request ran and read.
type gatewaySSH struct {
	addr   string
	mu     sync.Mutex
	runs   []string // command + "\n" + stdin
	refuse int      // sessions to fail (cloud-init not done yet)
}

func startGatewaySSH(t *testing.T, user string, client ssh.PublicKey, host ssh.Signer) *gatewaySSH {
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if c.User() == user && string(k.Marshal()) == string(client.Marshal()) {
			return nil, nil
		}
		return nil, io.EOF
	}}
	cfg.AddHostKey(host)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lis.Close() })
	g := &gatewaySSH{addr: lis.Addr().String()}
	go func() {
		for {
			nc, err := lis.Accept()
			if err != nil {
				return
			}
			go g.serve(nc, cfg)
		}
	}()
	return g
}

func (g *gatewaySSH) serve(nc net.Conn, cfg *ssh.ServerConfig) {
	_, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		ch, reqs, err := nch.Accept()
		if err != nil {
			return
		}
		go func() {
			defer ch.Close()
			for r := range reqs {
				if r.Type != "exec" {
					r.Reply(false, nil)
					continue
				}
				cmd := string(r.Payload[4:])
				r.Reply(true, nil)
				in, _ := io.ReadAll(ch)
				g.mu.Lock()
				status := uint32(0)
				if g.refuse > 0 {
					g.refuse--
					status = 1
					io.WriteString(ch.Stderr(), "sudo: a password is required")
				} else {
					g.runs = append(g.runs, cmd+"\n"+string(in))
				}
				g.mu.Unlock()
				var b [4]byte
				binary.BigEndian.PutUint32(b[:], status)
				ch.SendRequest("exit-status", false, b[:])
				return
			}
		}()
	}
}

func pushInputs(t *testing.T, g *gatewaySSH, conf string) (resource.PropertyMap, ssh.PublicKey) {
	out, err := sshKey(resource.PropertyMap{})
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(out["publicKey"].StringValue()))
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(g.addr)
	_ = port
	return resource.PropertyMap{
		"gateway":    resource.NewStringProperty("hetzner-nbg1-prod"),
		"host":       resource.NewStringProperty(host),
		"instance":   resource.NewStringProperty("42"),
		"peers":      resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("ovh-gra11-prod")}),
		"config":     resource.MakeSecret(resource.NewStringProperty(conf)),
		"privateKey": out["privateKey"],
	}, pub
}

func hostSigner(t *testing.T) ssh.Signer {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	s, err := ssh.NewSignerFromKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A push logs in as the push account with the push key, runs the apply
// command with the configuration on stdin, waits out a gateway that is not
// ready, records the host key and refuses a changed one.
func TestPushPeers(t *testing.T) {
	host := hostSigner(t)
	var g *gatewaySSH
	// the inputs carry the client key; the server must know it first
	in, pub := pushInputs(t, &gatewaySSH{addr: "127.0.0.1:0"}, "[Interface]\nPrivateKey = x\n")
	g = startGatewaySSH(t, pushUser, pub, host)
	_, port, _ := net.SplitHostPort(g.addr)
	defer func(p int) { PushPort = p }(PushPort)
	PushPort = atoi(port)
	g.refuse = 2

	l, _ := LocalType(PeersType)
	outs, err := l.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	outs, err = l.Push(context.Background(), nil, outs)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.runs) != 1 || g.runs[0] != pushApply+"\n[Interface]\nPrivateKey = x\n" {
		t.Fatalf("runs = %q", g.runs)
	}
	if want := ssh.FingerprintSHA256(host.PublicKey()); outs["hostKey"].StringValue() != want {
		t.Errorf("hostKey = %v, want %s", outs["hostKey"], want)
	}
	if !outs["config"].IsSecret() || !outs["privateKey"].IsSecret() {
		t.Error("the configuration or the push key lost its secrecy")
	}

	// an update pushes the new configuration to the same host
	in2 := in.Copy()
	in2["config"] = resource.MakeSecret(resource.NewStringProperty("[Interface]\nPrivateKey = y\n"))
	if _, err := l.Push(context.Background(), outs, in2); err != nil {
		t.Fatal(err)
	}
	if len(g.runs) != 2 || !strings.HasSuffix(g.runs[1], "PrivateKey = y\n") {
		t.Fatalf("runs = %q", g.runs)
	}

	// another host key at the same address: no keys are sent
	outs["hostKey"] = resource.NewStringProperty(ssh.FingerprintSHA256(hostSigner(t).PublicKey()))
	PushTimeout = time.Second
	defer func() { PushTimeout = 10 * time.Minute }()
	if _, err := l.Push(context.Background(), outs, in2); err == nil || !strings.Contains(err.Error(), "refusing to send it keys") {
		t.Fatalf("changed host key: err = %v", err)
	}
	if len(g.runs) != 2 {
		t.Errorf("a push reached a host with a changed key")
	}
}

// A gateway that never answers fails the push with the last error, after
// PushTimeout, and the error holds no key.
func TestPushPeersTimeout(t *testing.T) {
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(lis.Addr().String())
	lis.Close() // nothing listens
	defer func(p int) { PushPort = p }(PushPort)
	PushPort = atoi(port)
	PushTimeout = 300 * time.Millisecond
	defer func() { PushTimeout = 10 * time.Minute }()
	in, _ := pushInputs(t, &gatewaySSH{addr: "127.0.0.1:0"}, "[Interface]\nPrivateKey = secretvalue\n")
	l, _ := LocalType(PeersType)
	_, err := l.Push(context.Background(), nil, in)
	if err == nil || !strings.Contains(err.Error(), "no push to") || strings.Contains(err.Error(), "secretvalue") {
		t.Fatalf("err = %v", err)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// A change of peers or configuration updates a Peers in place (the
// gateway keeps running); only a new instance replaces it.
func TestPeersDiff(t *testing.T) {
	s := NewServer(WithGetenv(func(string) string { return "" }))
	base := resource.PropertyMap{
		"gateway": resource.NewStringProperty("a"), "host": resource.NewStringProperty("192.0.2.1"),
		"instance": resource.NewStringProperty("1"),
		"peers":    resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("b")}),
		"config":   resource.MakeSecret(resource.NewStringProperty("one")),
	}
	for _, c := range []struct {
		key     string
		value   resource.PropertyValue
		replace bool
	}{
		{"peers", resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty("b"), resource.NewStringProperty("c")}), false},
		{"config", resource.MakeSecret(resource.NewStringProperty("two")), false},
		{"instance", resource.NewStringProperty("2"), true},
	} {
		news := base.Copy()
		news[resource.PropertyKey(c.key)] = c.value
		o, _ := marshal("olds", base)
		n, _ := marshal("news", news)
		d, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: "urn:pulumi:prod::infra::" + PeersType + "::p", OldInputs: o, News: n})
		if err != nil {
			t.Fatal(err)
		}
		if d.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || len(d.GetDiffs()) != 1 || d.GetDiffs()[0] != c.key ||
			(len(d.GetReplaces()) > 0) != c.replace {
			t.Errorf("%s changed: diffs %v replaces %v, want replace=%v", c.key, d.GetDiffs(), d.GetReplaces(), c.replace)
		}
	}
}
