package ibm

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/stackstest"
)

// The AWS-compatible policy is what AWS site-to-site VPN accepts, and the
// policy arguments carry it field by field.
func TestAWSCompatibleVPNPolicy(t *testing.T) {
	p := AWSCompatibleVPNPolicy()
	m := newMocks()
	_, err := stackstest.Run(m, func(ctx *pulumi.Context) error {
		s := pulumi.String("x")
		if _, err := NewIkePolicy(ctx, "ike", p.IkePolicyArgs(s, s, s)); err != nil {
			return err
		}
		_, err := NewIpsecPolicy(ctx, "ipsec", p.IpsecPolicyArgs(s, s, s))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ike, ipsec := m.One(t, IkePolicyType), m.One(t, IpsecPolicyType)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"IKE version", p.IkeVersion, 2},
		{"authentication", p.AuthenticationAlgorithm, "sha256"},
		{"encryption", p.EncryptionAlgorithm, "aes256"},
		{"DH group", p.DhGroup, 14},
		{"PFS group", p.Pfs, "group_14"},
		{"IKE lifetime", p.IkeKeyLifetime, 28800},
		{"IPsec lifetime", p.IpsecKeyLifetime, 3600},
		{"IKE policy ikeVersion", stackstest.Num(ike, "ikeVersion"), 2},
		{"IKE policy authenticationAlgorithm", stackstest.Str(ike, "authenticationAlgorithm"), "sha256"},
		{"IKE policy encryptionAlgorithm", stackstest.Str(ike, "encryptionAlgorithm"), "aes256"},
		{"IKE policy dhGroup", stackstest.Num(ike, "dhGroup"), 14},
		{"IKE policy keyLifetime", stackstest.Num(ike, "keyLifetime"), 28800},
		{"IPsec policy authenticationAlgorithm", stackstest.Str(ipsec, "authenticationAlgorithm"), "sha256"},
		{"IPsec policy encryptionAlgorithm", stackstest.Str(ipsec, "encryptionAlgorithm"), "aes256"},
		{"IPsec policy pfs", stackstest.Str(ipsec, "pfs"), "group_14"},
		{"IPsec policy keyLifetime", stackstest.Num(ipsec, "keyLifetime"), 3600},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// The pre-shared key is secret as the input the engine stores and as the
// output; the constructors refuse a resource without its required inputs.
func TestVPNConnectionSecretAndArguments(t *testing.T) {
	m := newMocks()
	var psk pulumi.Output
	_, err := stackstest.Run(m, func(ctx *pulumi.Context) error {
		s := pulumi.String("x")
		c, err := NewVpnGatewayConnection(ctx, "to-aws", &VpnGatewayConnectionArgs{VpnGateway: s, Region: s, Name: s,
			PeerAddress: pulumi.String("198.51.100.9"), Psk: pulumi.String("a-pre-shared-key")})
		if err != nil {
			return err
		}
		psk = c.Psk
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 1)
	psk.ApplyT(func(v string) string { ch <- v; return v })
	if v := <-ch; v != "a-pre-shared-key" || !pulumi.IsSecret(psk) {
		t.Errorf("psk output %q secret %v, want the key, secret", v, pulumi.IsSecret(psk))
	}
	if in := m.One(t, VpnGatewayConnectionType)["psk"]; !stackstest.IsSecret(in) {
		t.Errorf("the registered psk input is not secret: %v", in)
	}

	s := pulumi.String("x")
	for _, tt := range []struct {
		name string
		new  func(ctx *pulumi.Context) error
		want string
	}{
		{"IKE policy without DH group", func(ctx *pulumi.Context) error {
			_, err := NewIkePolicy(ctx, "i", &IkePolicyArgs{Name: s, Region: s, ResourceGroup: s, IkeVersion: pulumi.Int(2),
				AuthenticationAlgorithm: s, EncryptionAlgorithm: s})
			return err
		}, "DhGroup"},
		{"IPsec policy without PFS", func(ctx *pulumi.Context) error {
			_, err := NewIpsecPolicy(ctx, "p", &IpsecPolicyArgs{Name: s, Region: s, ResourceGroup: s, AuthenticationAlgorithm: s, EncryptionAlgorithm: s})
			return err
		}, "Pfs"},
		{"gateway without subnet", func(ctx *pulumi.Context) error {
			_, err := NewVpnGateway(ctx, "g", &VpnGatewayArgs{Name: s, Region: s, ResourceGroup: s})
			return err
		}, "Subnet"},
		{"connection without PSK", func(ctx *pulumi.Context) error {
			_, err := NewVpnGatewayConnection(ctx, "c", &VpnGatewayConnectionArgs{VpnGateway: s, Region: s, Name: s, PeerAddress: s})
			return err
		}, "Psk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stackstest.Run(newMocks(), tt.new)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}
