package engine

import (
	"fmt"
	"testing"
)

func TestDeployedResourcesKeepInputsButNotSecrets(t *testing.T) {
	doc := `{"deployment":{"resources":[
 {"urn":"urn:pulumi:s::p::pulumi:providers:aws::aws-us-east-1-prod-provider","type":"pulumi:providers:aws","inputs":{"region":"us-east-1"}},
 {"urn":"urn:pulumi:s::p::aws:ec2/instance:Instance::gw","type":"aws:ec2/instance:Instance",
  "provider":"urn:pulumi:s::p::pulumi:providers:aws::aws-us-east-1-prod-provider::0b2c-id",
  "inputs":{"instanceType":"t3.small","userData":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"key\""}}}
]}}`
	d, err := parseDeployment([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{deployed: map[string]*deployed{"s": d}}
	rs := e.DeployedResources()["s"]
	if len(rs) != 2 || rs[0].Inputs["region"] != "us-east-1" {
		t.Fatalf("providers first with their region: %+v", rs)
	}
	gw := rs[1]
	if gw.Provider != "aws-us-east-1-prod-provider" || gw.Inputs["instanceType"] != "t3.small" {
		t.Errorf("instance: %+v", gw)
	}
	if _, ok := gw.Inputs["userData"]; ok {
		t.Errorf("a secret input was kept: %+v", gw.Inputs)
	}
}

func TestJoinNames(t *testing.T) {
	for want, names := range map[string][]string{
		"":              nil,
		"a":             {"a"},
		"a and b":       {"a", "b"},
		"a, b and c":    {"a", "b", "c"},
		"a, b, c and d": {"a", "b", "c", "d"},
	} {
		if got := joinNames(names); got != want {
			t.Errorf("joinNames(%q) = %q, want %q", names, got, want)
		}
	}
}

func TestRevealFindsNestedSecrets(t *testing.T) {
	key := map[string]any{secretSig: "1b47061264138c4ac30d75fd1eb44270", "plaintext": `"k"`}
	v, secret, err := reveal(map[string]any{"list": []any{"a", key}, "n": 1.0})
	if err != nil || !secret {
		t.Fatalf("reveal: secret %v, err %v; want a secret found", secret, err)
	}
	if got := fmt.Sprint(v); got != "map[list:[a k] n:1]" {
		t.Errorf("revealed %s", got)
	}
	if _, secret, err := reveal([]any{map[string]any{"a": "b"}}); err != nil || secret {
		t.Errorf("no secret: secret %v, err %v", secret, err)
	}
	if _, _, err := reveal([]any{map[string]any{secretSig: "x", "ciphertext": "..."}}); err == nil {
		t.Error("an encrypted secret revealed without an error")
	}
}
