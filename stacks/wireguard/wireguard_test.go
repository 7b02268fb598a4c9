package wireguard

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"infra/stacks/stackstest"
)

type cloudConfig struct {
	Packages   []string `yaml:"packages"`
	WriteFiles []struct {
		Path, Owner, Permissions, Content string
	} `yaml:"write_files"`
	Runcmd [][]string `yaml:"runcmd"`
}

func parse(t *testing.T, s string) cloudConfig {
	t.Helper()
	if !strings.HasPrefix(s, "#cloud-config\n") {
		t.Fatalf("no #cloud-config header:\n%s", s)
	}
	var c cloudConfig
	if err := yaml.Unmarshal([]byte(s), &c); err != nil {
		t.Fatalf("cloud-init is not YAML: %v\n%s", err, s)
	}
	return c
}

// files are the contents of the written files, by path.
func (c cloudConfig) files() map[string]string {
	out := map[string]string{}
	for _, f := range c.WriteFiles {
		out[f.Path] = f.Content
	}
	return out
}

const testPushKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0 infra"

// The cloud-config carries the script, the firewall and the push account,
// and no key and no peer: it does not change when the mesh does.
func TestCloudInit(t *testing.T) {
	out, err := CloudInit(Boot{ID: "a", Port: 51820, PushKey: testPushKey})
	if err != nil {
		t.Fatal(err)
	}
	c := parse(t, out)
	files := c.files()
	for _, f := range c.WriteFiles {
		if f.Owner != "root:root" {
			t.Errorf("%s: owner %s", f.Path, f.Owner)
		}
		if f.Path == ApplyPath && f.Permissions != "0755" {
			t.Errorf("%s: mode %s, want 0755", f.Path, f.Permissions)
		}
	}
	if _, ok := files[ConfigPath]; ok || KeyMaterial.MatchString(out) || strings.Contains(out, "[Peer]") {
		t.Errorf("the user data holds a wg-quick configuration:\n%s", out)
	}
	if files[ApplyPath] != ApplyScript {
		t.Errorf("the apply script changed in the YAML round trip")
	}
	if files[PeersPath] != "flush set inet infra_mesh peers\n" {
		t.Errorf("peers file = %q", files[PeersPath])
	}
	if files[sysctlPath] != "net.ipv4.ip_forward = 1\n" {
		t.Errorf("sysctl = %q", files[sysctlPath])
	}
	if files[FirewallPath] != Firewall(Boot{Port: 51820}) {
		t.Errorf("firewall differs from Firewall()")
	}
	for _, want := range []string{"ExecStart=/usr/sbin/nft -f " + FirewallPath + "\n", "ExecStart=/usr/sbin/nft -f " + PeersPath + "\n"} {
		if !strings.Contains(files[unitPath], want) {
			t.Errorf("unit lacks %q:\n%s", want, files[unitPath])
		}
	}
	var users struct {
		Users []any `yaml:"users"`
	}
	yaml.Unmarshal([]byte(out), &users)
	if len(users.Users) != 2 || users.Users[0] != "default" {
		t.Fatalf("users = %v", users.Users)
	}
	push := users.Users[1].(map[string]any)
	keys := fmt.Sprint(push["ssh_authorized_keys"])
	if push["name"] != PushUser || push["sudo"] != "ALL=(root) NOPASSWD: "+ApplyPath ||
		keys != `[restrict,command="sudo -n `+ApplyPath+`" `+testPushKey+`]` {
		t.Errorf("push user = %v", push)
	}
	want := [][]string{{"sysctl", "--system"}, {"systemctl", "daemon-reload"},
		{"systemctl", "enable", "--now", "infra-mesh-firewall.service"}}
	if fmt.Sprint(c.Runcmd) != fmt.Sprint(want) {
		t.Errorf("runcmd = %v, want %v", c.Runcmd, want)
	}
	if fmt.Sprint(c.Packages) != "[wireguard-tools nftables]" {
		t.Errorf("packages = %v", c.Packages)
	}
}

func TestCloudInitErrors(t *testing.T) {
	for _, b := range []Boot{
		{ID: "a", Port: 0, PushKey: testPushKey},
		{ID: "a", Port: 70000, PushKey: testPushKey},
		{ID: "a", Port: 51820},
		{ID: "a", Port: 51820, PushKey: "ssh-rsa AAAA"},
		{ID: "a", Port: 51820, PushKey: testPushKey + "'\nruncmd: [evil]"},
	} {
		if _, err := CloudInit(b); err == nil {
			t.Errorf("%+v: no error", b)
		}
	}
}

// The real nft accepts the ruleset (check mode: nothing is loaded), with
// peers and with none.
func TestFirewallNft(t *testing.T) {
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("nft not installed (apt-get install nftables)")
	}
	for _, snat := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "mesh.nft")
		if err := os.WriteFile(path, []byte(Firewall(Boot{Port: 51820, Local: netip.MustParsePrefix("10.20.0.0/16"), SNAT: snat})), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(nft, "-c", "-f", path).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "Operation not permitted") {
				t.Skipf("nft -c needs CAP_NET_ADMIN here: %s", out)
			}
			t.Errorf("nft -c rejects the ruleset (snat %v): %v\n%s", snat, err, out)
		}
	}
}

func TestKeyMaterial(t *testing.T) {
	for s, want := range map[string]bool{
		"PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=": true,
		"uDWmxTMqqXtAGwf0R4Lt3dvF0EMjV4lL8QYXoK3nzWg=":              true,
		"<secret: from state>":                                      false,
		// the 43rd character must have zero low bits
		"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=": false,
		"plan-public-key-0123456789abcdef":             false,
		// the end of a longer base64 text is not a key
		"c2ltdWxhdGVkIGNlcnRpZmljYXRlIGF1dGhvcml0eSBvZiBhd3MtZXUtd2VzdC0xLWRldi1la3M=": false,
		`"publicKey": "uDWmxTMqqXtAGwf0R4Lt3dvF0EMjV4lL8QYXoK3nzWg=",`:                 true,
	} {
		if got := KeyMaterial.MatchString(s); got != want {
			t.Errorf("KeyMaterial(%q) = %v, want %v", s, got, want)
		}
	}
}

// newMocks answers like a provider that forgets to mark keys secret.
func newMocks() *stackstest.Mocks {
	return &stackstest.Mocks{State: func(a pulumi.MockResourceArgs, _ string, out resource.PropertyMap) {
		switch a.TypeToken {
		case WireGuardKeyType:
			out["privateKey"] = resource.NewProperty("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
			out["publicKey"] = resource.NewProperty("public")
		case PresharedKeyType:
			out["key"] = resource.NewProperty("uDWmxTMqqXtAGwf0R4Lt3dvF0EMjV4lL8QYXoK3nzWg=")
		}
	}}
}

// Private keys and PSKs are secret outputs even when the provider does not
// say so; public keys are not.
func TestKeysAreSecret(t *testing.T) {
	m := newMocks()
	var priv, pub, psk pulumi.Output
	_, err := stackstest.Run(m, func(ctx *pulumi.Context) error {
		k, err := NewWireGuardKey(ctx, "gw", nil)
		if err != nil {
			return err
		}
		p, err := NewPresharedKey(ctx, "a--b", &PresharedKeyArgs{Rotation: pulumi.Int(2)})
		if err != nil {
			return err
		}
		priv, pub, psk = k.PrivateKey, k.PublicKey, p.Key
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		o      pulumi.Output
		secret bool
	}{{"privateKey", priv, true}, {"publicKey", pub, false}, {"key", psk, true}} {
		ch := make(chan bool, 1)
		c.o.ApplyT(func(v string) string { ch <- true; return v })
		<-ch
		if got := pulumi.IsSecret(c.o); got != c.secret {
			t.Errorf("%s secret = %v, want %v", c.name, got, c.secret)
		}
	}
	reg := m.Resources()
	if len(reg) != 2 || reg[0].Type == reg[1].Type {
		t.Fatalf("registered %d resources", len(reg))
	}
	for _, r := range reg {
		if r.Type == PresharedKeyType && r.Inputs["rotation"].NumberValue() != 2 {
			t.Errorf("rotation = %v", r.Inputs["rotation"])
		}
	}
}

// The real cloud-init accepts the gateway's cloud-config.
func TestCloudInitSchema(t *testing.T) {
	ci, err := exec.LookPath("cloud-init")
	if err != nil {
		t.Skip("cloud-init not installed (apt-get install cloud-init)")
	}
	doc, err := CloudInit(Boot{ID: "a", Port: 51820, PushKey: testPushKey, Local: netip.MustParsePrefix("10.20.0.0/16"), SNAT: true})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "user-data")
	os.WriteFile(path, []byte(doc), 0o600)
	if out, err := exec.Command(ci, "schema", "--config-file", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "Valid cloud-config") {
		t.Errorf("cloud-init schema: %v\n%s", err, out)
	}
}

// TestCloudInitRelays: a gateway that takes zone relays' traffic (IBM,
// more than one zone) unwraps VXLAN on the port with loose reverse-path
// filtering; one without relays has none of it.
func TestCloudInitRelays(t *testing.T) {
	out, err := CloudInit(Boot{ID: "a", Port: 51820, PushKey: testPushKey, RelayPort: 4789})
	if err != nil {
		t.Fatal(err)
	}
	c := parse(t, out)
	files := c.files()
	for _, want := range []string{"ExecStart=/usr/sbin/ip link add vxr0 type vxlan id 4242 dstport 4789 nolearning\n",
		"ExecStart=/usr/sbin/ip address add 169.254.100.1/24 dev vxr0\n", "ExecStart=/usr/sbin/ip link set vxr0 up\n"} {
		if !strings.Contains(files[relayUnitPath], want) {
			t.Errorf("relay unit lacks %q:\n%s", want, files[relayUnitPath])
		}
	}
	if !strings.Contains(files[relaySysctlPath], "net.ipv4.conf.all.rp_filter = 2") {
		t.Errorf("relay sysctl = %q", files[relaySysctlPath])
	}
	if fmt.Sprint(c.Runcmd[len(c.Runcmd)-1]) != "[systemctl enable --now infra-mesh-relays.service]" {
		t.Errorf("runcmd = %v", c.Runcmd)
	}
	plain, _ := CloudInit(Boot{ID: "a", Port: 51820, PushKey: testPushKey})
	if strings.Contains(plain, "vxlan") || strings.Contains(plain, "rp_filter") {
		t.Error("a gateway without relays takes VXLAN")
	}
}
