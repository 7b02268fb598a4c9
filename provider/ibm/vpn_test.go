package ibm_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const testPSK = "aws-generated-psk-0123456789"

// vpnLifecycle are the VPN types' steps of TestLifecycle: the AWS-compatible
// policies, a route-mode gateway on the lifecycle's subnet and a connection.
func vpnLifecycle() []step {
	return []step{
		{token: "infra:ibm:IkePolicy", kind: "ike_policy",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "to-aws-ike", "region": "us-south", "resourceGroup": "demo-prod-2", "ikeVersion": 2,
					"authenticationAlgorithm": "sha256", "encryptionAlgorithm": "aes256", "dhGroup": 14, "keyLifetime": 28800}
			},
			update: func(in map[string]any) { in["dhGroup"] = 19; in["authenticationAlgorithm"] = "sha384" },
			check: func(t *testing.T, e *env, id string) {
				b, _ := e.fake.Get("ike_policy", id)
				if fmtAny(b["authentication_algorithms"]) != "[sha384]" || b["dh_group"] != 19.0 {
					t.Errorf("IKE policy after update: %v, dh group %v", b["authentication_algorithms"], b["dh_group"])
				}
			}},
		{token: "infra:ibm:IpsecPolicy", kind: "ipsec_policy",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "to-aws-ipsec", "region": "us-south", "resourceGroup": "demo-prod-2",
					"authenticationAlgorithm": "sha256", "encryptionAlgorithm": "aes256", "pfs": "group_14", "keyLifetime": 3600}
			},
			update: func(in map[string]any) { in["pfs"] = "group_19"; in["keyLifetime"] = 1800 },
			check: func(t *testing.T, e *env, id string) {
				b, _ := e.fake.Get("ipsec_policy", id)
				if fmtAny(b["pfs_groups"]) != "[group_19]" || b["key_lifetime"] != 1800.0 {
					t.Errorf("IPsec policy after update: pfs %v, lifetime %v", b["pfs_groups"], b["key_lifetime"])
				}
			}},
		{token: "infra:ibm:VpnGateway", kind: "vpn_gateway",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "to-aws", "region": "us-south", "subnet": ids["infra:ibm:Subnet"], "mode": "route",
					"resourceGroup": "demo-prod-2", "tags": []any{"environment:prod"}}
			},
			update: func(in map[string]any) { in["name"] = "to-aws-vpn" }},
		{token: "infra:ibm:VpnGatewayConnection", kind: "vpn_connection",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpnGateway": ids["infra:ibm:VpnGateway"], "region": "us-south", "name": "aws-tunnel-1",
					"peerAddress": "198.51.100.20", "psk": testPSK,
					"ikePolicy": ids["infra:ibm:IkePolicy"], "ipsecPolicy": ids["infra:ibm:IpsecPolicy"]}
			},
			update: func(in map[string]any) { in["psk"] = testPSK + "-rotated"; in["peerAddress"] = "198.51.100.21" },
			check: func(t *testing.T, e *env, id string) {
				b, _ := e.fake.Get("vpn_connection", id)
				if b["psk"] != testPSK+"-rotated" || dig(b, "peer", "address") != "198.51.100.21" {
					t.Errorf("connection after update: peer %v, psk rotated %v", b["peer"], b["psk"] == testPSK+"-rotated")
				}
			}},
	}
}

func dig(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return cur
}

// vpnEnv makes a VPC with a subnet, the AWS-compatible policies and a
// gateway in mode on it, and returns their ids.
func vpnEnv(t *testing.T, e *env, mode string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	ids["vpc"], _ = e.create("infra:ibm:Vpc", vpcInputs())
	e.create("infra:ibm:VpcAddressPrefix", props(map[string]any{"vpc": ids["vpc"], "region": "us-south", "name": "p", "zone": "us-south-1", "cidr": "10.10.0.0/18"}))
	ids["subnet"], _ = e.create("infra:ibm:Subnet", props(map[string]any{"vpc": ids["vpc"], "region": "us-south", "name": "s", "zone": "us-south-1",
		"ipv4CidrBlock": "10.10.0.0/24", "resourceGroup": "Default"}))
	for _, s := range vpnLifecycle()[:2] {
		in := s.inputs(ids, nil)
		in["resourceGroup"] = "Default"
		ids[s.token], _ = e.create(s.token, props(in))
	}
	ids["gateway"], _ = e.create("infra:ibm:VpnGateway", props(map[string]any{"name": "gw-" + mode, "region": "us-south",
		"subnet": ids["subnet"], "mode": mode, "resourceGroup": "Default"}))
	return ids
}

func connectionInputs(ids map[string]string) resource.PropertyMap {
	return props(map[string]any{"vpnGateway": ids["gateway"], "region": "us-south", "name": "aws-tunnel-1",
		"peerAddress": "198.51.100.20", "psk": testPSK, "ikePolicy": ids["infra:ibm:IkePolicy"], "ipsecPolicy": ids["infra:ibm:IpsecPolicy"]})
}

// TestVPNGatewayStates: the gateway is ready only once stable, and its
// members' public IPs are outputs.
func TestVPNGatewayStates(t *testing.T) {
	e := newEnv(t)
	ids := vpnEnv(t, e, "route")
	if got := e.fake.History(ids["gateway"]); !slices.Equal(got, []string{"pending", "stable"}) {
		t.Errorf("gateway states seen = %v, want pending, stable", got)
	}
	r, err := e.h("infra:ibm:VpnGateway").Read(context.Background(), ids["gateway"],
		props(map[string]any{"name": "gw-route", "region": "us-south", "subnet": ids["subnet"], "mode": "route", "resourceGroup": "Default"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	ips := r.Outputs["publicIps"]
	if !ips.IsArray() || len(ips.ArrayValue()) != 2 {
		t.Fatalf("publicIps = %v, want the two members'", ips)
	}
	doc := netip.MustParsePrefix("203.0.113.0/24")
	for _, ip := range ips.ArrayValue() {
		if a, err := netip.ParseAddr(ip.StringValue()); err != nil || !doc.Contains(a) {
			t.Errorf("public IP %v", ip)
		}
	}
	if str(r.Outputs, "lifecycleState") != "stable" || str(r.Outputs, "vpc") != ids["vpc"] || !strings.HasPrefix(str(r.Outputs, "crn"), "crn:v1:") {
		t.Errorf("outputs = %v", r.Outputs)
	}
}

// plaintextPSK finds the key anywhere outside a secret.
func plaintextPSK(v resource.PropertyValue, psk string) bool {
	switch {
	case v.IsSecret():
		return false
	case v.IsString():
		return strings.Contains(v.StringValue(), psk)
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if plaintextPSK(e, psk) {
				return true
			}
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			if plaintextPSK(e, psk) {
				return true
			}
		}
	case v.IsComputed(), v.IsOutput():
		return false
	}
	return false
}

// TestVPNPSKStaysSecret: the pre-shared key is secret in every output of
// create, read, update and preview, also when given as a plain input and
// when changed in the console; refusals never quote it.
func TestVPNPSKStaysSecret(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := vpnEnv(t, e, "route")
	h := e.h("infra:ibm:VpnGatewayConnection")
	in := connectionInputs(ids)
	assertSecret := func(what string, m resource.PropertyMap, psk string) {
		t.Helper()
		if !m["psk"].IsSecret() || plaintextPSK(resource.NewObjectProperty(m), psk) {
			t.Errorf("%s: the PSK is in plaintext: %v", what, m["psk"])
		}
		if b, _ := json.Marshal(m.Mappable()); strings.Contains(string(b), psk) && !m["psk"].IsSecret() {
			t.Errorf("%s: the PSK is in the JSON of the outputs", what)
		}
	}
	_, prev, err := h.Create(ctx, in, true)
	if err != nil {
		t.Fatal(err)
	}
	assertSecret("preview", prev, testPSK)
	id, outs := e.create("infra:ibm:VpnGatewayConnection", in)
	assertSecret("create", outs, testPSK)
	if str(outs, "mode") != "route" || str(outs, "status") != "down" {
		t.Errorf("mode %q status %q, want route, down (no peer yet)", str(outs, "mode"), str(outs, "status"))
	}
	r, err := h.Read(ctx, id, in, outs)
	if err != nil {
		t.Fatal(err)
	}
	assertSecret("read", r.Outputs, testPSK)
	if _, drift := r.Inputs["psk"]; !drift || !r.Inputs.DeepEquals(in) {
		t.Errorf("read after create shows drift: %v", r.Inputs)
	}

	// Changed in the console: the drift shows, secret.
	e.fake.Set("vpn_connection", id, "psk", "changed-in-console-key")
	r, err = h.Read(ctx, id, in, outs)
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Inputs["psk"]; !v.IsSecret() || v.SecretValue().Element.StringValue() != "changed-in-console-key" {
		t.Errorf("console change of the PSK reads as %v, want it secret", v)
	}
	assertSecret("read after drift", r.Outputs, "changed-in-console-key")

	news := in.Copy()
	news["psk"] = resource.NewStringProperty(testPSK + "-2")
	d, err := h.Diff(ctx, id, in, news)
	if err != nil || !slices.Equal(d.Changes, []string{"psk"}) || len(d.Replaces) > 0 {
		t.Fatalf("diff of a new PSK = %+v %v, want an in-place change", d, err)
	}
	up, err := h.Update(ctx, id, outs, in, news, false)
	if err != nil {
		t.Fatal(err)
	}
	assertSecret("update", up, testPSK+"-2")

	bad := in.Copy()
	bad["psk"] = resource.NewStringProperty("k3y")
	_, failures, _ := h.Check(ctx, nil, bad)
	if len(failures) != 1 || failures[0].Property != "psk" || strings.Contains(failures[0].Reason, "k3y") {
		t.Errorf("check of a short PSK = %v, want one failure on psk that does not quote it", failures)
	}
}

// TestVPNReadGoneIsDrift: each VPN resource deleted outside infra reads as gone.
func TestVPNReadGoneIsDrift(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := vpnEnv(t, e, "route")
	cin := connectionInputs(ids)
	conn, _ := e.create("infra:ibm:VpnGatewayConnection", cin)
	gwIn := props(map[string]any{"name": "gw-route", "region": "us-south", "subnet": ids["subnet"], "mode": "route", "resourceGroup": "Default"})
	for _, c := range []struct {
		token, kind, id string
		in              resource.PropertyMap
	}{
		{"infra:ibm:VpnGatewayConnection", "vpn_connection", conn, cin},
		{"infra:ibm:VpnGateway", "vpn_gateway", ids["gateway"], gwIn},
		{"infra:ibm:IkePolicy", "ike_policy", ids["infra:ibm:IkePolicy"], props(vpnLifecycle()[0].inputs(nil, nil))},
		{"infra:ibm:IpsecPolicy", "ipsec_policy", ids["infra:ibm:IpsecPolicy"], props(vpnLifecycle()[1].inputs(nil, nil))},
	} {
		if !e.fake.Remove(c.kind, c.id) {
			t.Fatalf("the fake has no %s %s", c.kind, c.id)
		}
		r, err := e.h(c.token).Read(ctx, c.id, c.in, nil)
		if err != nil || r.ID != "" {
			t.Errorf("%s: read of a deleted one = %q, %v; want gone", c.token, r.ID, err)
		}
		if err := e.h(c.token).Delete(ctx, c.id, c.in); err != nil {
			t.Errorf("%s: delete of a deleted one: %v", c.token, err)
		}
	}
}

// TestVPNPolicyMode: a policy-mode gateway's connection carries the CIDRs;
// one without is refused by IBM with the input named; a route-mode
// gateway refuses CIDRs.
func TestVPNPolicyMode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := vpnEnv(t, e, "policy")
	in := connectionInputs(ids)
	in["localCidrs"] = resource.NewPropertyValue([]any{"10.10.0.0/16"})
	in["peerCidrs"] = resource.NewPropertyValue([]any{"10.20.0.0/16", "10.21.0.0/16"})
	id, outs := e.create("infra:ibm:VpnGatewayConnection", in)
	b, _ := e.fake.Get("vpn_connection", id)
	if fmtAny(dig(b, "peer", "cidrs")) != "[10.20.0.0/16 10.21.0.0/16]" || str(outs, "mode") != "policy" {
		t.Errorf("policy-mode connection: peer %v, mode %q", b["peer"], str(outs, "mode"))
	}
	if r, err := e.h("infra:ibm:VpnGatewayConnection").Read(ctx, id, in, outs); err != nil || !r.Inputs.DeepEquals(in) {
		t.Errorf("read shows drift: %v %v", err, r.Inputs)
	}
	d, _ := e.h("infra:ibm:VpnGatewayConnection").Diff(ctx, id, in, func() resource.PropertyMap {
		n := in.Copy()
		n["peerCidrs"] = resource.NewPropertyValue([]any{"10.20.0.0/16"})
		return n
	}())
	if !slices.Equal(d.Replaces, []string{"peerCidrs"}) || !d.DeleteBeforeReplace {
		t.Errorf("diff of the peer CIDRs = %+v, want a replacement, old one first (same name)", d)
	}

	noCIDRs := connectionInputs(ids)
	noCIDRs["name"] = resource.NewStringProperty("aws-tunnel-2")
	_, _, err := e.h("infra:ibm:VpnGatewayConnection").Create(ctx, noCIDRs, false)
	if err == nil || !strings.Contains(err.Error(), "input localCidrs") || !strings.Contains(err.Error(), `"aws-tunnel-2"`) {
		t.Errorf("connection without CIDRs on a policy-mode gateway: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), testPSK) {
		t.Errorf("the error quotes the PSK: %v", err)
	}

	e2 := newEnv(t)
	route := connectionInputs(vpnEnv(t, e2, "route"))
	route["localCidrs"], route["peerCidrs"] = in["localCidrs"], in["peerCidrs"]
	_, _, err = e2.h("infra:ibm:VpnGatewayConnection").Create(ctx, route, false)
	if err == nil || !strings.Contains(err.Error(), "input peerCidrs") || strings.Contains(err.Error(), testPSK) {
		t.Errorf("connection with CIDRs on a route-mode gateway: %v", err)
	}
}

// TestVPNCheckAndDiff: what Check refuses and which changes replace.
func TestVPNCheckAndDiff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ike := props(vpnLifecycle()[0].inputs(nil, nil))
	ipsec := props(vpnLifecycle()[1].inputs(nil, nil))
	for _, c := range []struct {
		token  string
		in     resource.PropertyMap
		change map[string]any
		want   string
	}{
		{"infra:ibm:IkePolicy", ike, map[string]any{"dhGroup": 2}, "dhGroup"},
		{"infra:ibm:IkePolicy", ike, map[string]any{"ikeVersion": 3}, "ikeVersion"},
		{"infra:ibm:IkePolicy", ike, map[string]any{"encryptionAlgorithm": "triple_des"}, "encryptionAlgorithm"},
		{"infra:ibm:IkePolicy", ike, map[string]any{"keyLifetime": 100}, "keyLifetime"},
		{"infra:ibm:IpsecPolicy", ipsec, map[string]any{"pfs": "disabled"}, "pfs"},
		{"infra:ibm:IpsecPolicy", ipsec, map[string]any{"authenticationAlgorithm": "md5"}, "authenticationAlgorithm"},
		{"infra:ibm:VpnGateway", props(map[string]any{"name": "g", "region": "us-south", "subnet": "s", "resourceGroup": "g"}),
			map[string]any{"mode": "transparent"}, "mode"},
		{"infra:ibm:VpnGatewayConnection", props(map[string]any{"vpnGateway": "g", "region": "us-south", "name": "c", "psk": testPSK}),
			map[string]any{"peerAddress": "aws.example.com"}, "peerAddress"},
		{"infra:ibm:VpnGatewayConnection", props(map[string]any{"vpnGateway": "g", "region": "us-south", "name": "c", "psk": testPSK,
			"peerAddress": "198.51.100.1"}), map[string]any{"peerCidrs": []any{"10.20.0.0/16"}}, "peerCidrs"},
	} {
		in := c.in.Copy()
		for k, v := range c.change {
			in[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
		_, failures, err := e.h(c.token).Check(ctx, nil, in)
		if err != nil || len(failures) != 1 || failures[0].Property != c.want {
			t.Errorf("%s %v: failures %v, want one on %s", c.token, c.change, failures, c.want)
		}
	}

	gw := props(map[string]any{"name": "g", "region": "us-south", "subnet": "s", "mode": "route", "resourceGroup": "g"})
	for _, c := range []struct {
		token    string
		old      resource.PropertyMap
		change   map[string]any
		replaces []string
	}{
		{"infra:ibm:IkePolicy", ike, map[string]any{"dhGroup": 19, "keyLifetime": 3600}, nil},
		{"infra:ibm:IkePolicy", ike, map[string]any{"region": "eu-de"}, []string{"region"}},
		{"infra:ibm:IpsecPolicy", ipsec, map[string]any{"pfs": "group_20"}, nil},
		{"infra:ibm:VpnGateway", gw, map[string]any{"name": "h"}, nil},
		{"infra:ibm:VpnGateway", gw, map[string]any{"subnet": "t"}, []string{"subnet"}},
		{"infra:ibm:VpnGateway", gw, map[string]any{"mode": "policy"}, []string{"mode"}},
		{"infra:ibm:VpnGatewayConnection", props(map[string]any{"vpnGateway": "g", "region": "us-south", "name": "c", "psk": testPSK,
			"peerAddress": "198.51.100.1"}), map[string]any{"vpnGateway": "h"}, []string{"vpnGateway"}},
	} {
		news := c.old.Copy()
		for k, v := range c.change {
			news[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
		d, err := e.h(c.token).Diff(ctx, "id", c.old, news)
		if err != nil || len(d.Changes) == 0 || !slices.Equal(d.Replaces, c.replaces) {
			t.Errorf("%s %v: diff %+v, want replaces %v", c.token, c.change, d, c.replaces)
		}
	}
}
