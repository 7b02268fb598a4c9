package kubeconfig

import (
	"strings"
	"testing"
)

func TestMergeKeepsOtherEntries(t *testing.T) {
	existing, err := Parse([]byte(`apiVersion: v1
kind: Config
clusters:
- name: work
  cluster: {server: "https://work.example:6443"}
- name: hetzner-nbg1-prod
  cluster: {server: "https://old:6443"}
users:
- name: work
  user: {token: abc}
contexts:
- name: work
  context: {cluster: work, user: work}
current-context: work
preferences: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	add := Build([]Entry{{Stack: "hetzner-nbg1-prod", Server: "https://10.20.0.4:6443", CAData: []byte("ca"), ClientCert: []byte("c"), ClientKey: []byte("k")}})
	replaced := existing.Merge(add)
	if len(replaced) != 0 {
		t.Errorf("replaced %v: the old file had no such context", replaced)
	}
	if existing.CurrentContext != "work" {
		t.Errorf("current context moved to %q", existing.CurrentContext)
	}
	if len(existing.Clusters) != 2 || existing.Clusters[1].Cluster["server"] != "https://10.20.0.4:6443" || existing.Clusters[0].Cluster["server"] != "https://work.example:6443" {
		t.Errorf("clusters: %+v", existing.Clusters)
	}
	if len(existing.Users) != 2 || existing.Users[0].User["token"] != "abc" {
		t.Errorf("users: %+v", existing.Users)
	}
	if got := existing.Merge(add); len(got) != 1 || len(existing.Contexts) != 2 {
		t.Errorf("a second merge replaced %v, contexts %d", got, len(existing.Contexts))
	}
}

func TestFromOutputs(t *testing.T) {
	aws, err := FromOutputs("aws-us-east-1-prod", "aws", map[string]any{"clusterEndpoint": "https://x", "clusterName": "p-aws",
		"clusterCaData": "Y2E=", "region": "us-east-1", "deployRoleArn": "arn:aws:iam::1:role/infra-deployer"})
	if err != nil || string(aws.CAData) != "ca" || aws.Exec == nil ||
		strings.Join(aws.Exec.Args, " ") != "eks get-token --cluster-name p-aws --region us-east-1 --output json --role-arn arn:aws:iam::1:role/infra-deployer" {
		t.Errorf("aws: %+v %v", aws, err)
	}
	if _, err := FromOutputs("hetzner-nbg1-prod", "hetzner", map[string]any{"clusterEndpoint": "https://x"}); err == nil ||
		!strings.Contains(err.Error(), "clusterCaCert") {
		t.Errorf("a stack deployed before the CA existed: %v", err)
	}
	if _, err := FromOutputs("ibm-us-south-prod", "ibm", map[string]any{}); err == nil {
		t.Error("ibm: no error")
	}
}
