package ibm_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
)

// TestVersionBumpUpdatesMasterThenWorkers: a Kubernetes version change
// updates the master, waits for its "(pending)" to clear, then replaces the
// workers one at a time with update=true (F3, item 10); the cluster is
// never replaced.
func TestVersionBumpUpdatesMasterThenWorkers(t *testing.T) {
	e := newEnv(t)
	in := e.clusterIn("bump", "us-south", 3)
	h := e.h("infra:ibm:VpcCluster")
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	news := maps.Clone(in)
	news["kubeVersion"] = "1.36"
	d, err := h.Diff(context.Background(), id, props(in), props(news))
	if err != nil || len(d.Replaces) > 0 {
		t.Fatalf("diff %+v %v, want an in-place update", d, err)
	}
	if _, err := h.Update(context.Background(), id, outs, props(in), props(news), false); err != nil {
		t.Fatal(err)
	}
	// Order: the master update, then each worker replaced only after the
	// previous replacement is deployed (one replaceWorker per wait).
	var order []string
	for _, r := range e.fake.Requests() {
		switch {
		case r == "PUT /containers/global/v1/clusters/"+id:
			order = append(order, "master")
		case r == "POST /containers/global/v2/vpc/replaceWorker":
			order = append(order, "worker")
		}
	}
	if strings.Join(order, ",") != "master,worker,worker,worker" {
		t.Errorf("calls %v, want the master then three workers", order)
	}
	status, workers := rawList(t, e, "/containers/global/v2/vpc/getWorkers?cluster="+id)
	if status != 200 || len(workers) != 3 {
		t.Fatalf("workers: %d %d", status, len(workers))
	}
	for _, w := range workers {
		if v := dig(w, "kubeVersion", "actual"); !strings.HasPrefix(v.(string), "1.36.") || dig(w, "lifecycle", "actualState") != "deployed" {
			t.Errorf("worker %v at %v (%v), want 1.36 deployed", w["id"], v, dig(w, "lifecycle", "actualState"))
		}
	}
	if b, _ := e.fake.Get("cluster", id); strings.Contains(b["masterKubeVersion"].(string), "pending") || !strings.HasPrefix(b["masterKubeVersion"].(string), "1.36") {
		t.Errorf("master at %v", b["masterKubeVersion"])
	}
}

// rawList GETs a path of the fake whose answer is a JSON array.
func rawList(t *testing.T, e *env, path string) (int, []map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.fake.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer fake")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestRootKeyChangeInPlace: another root key is enableKMS again with it, in
// place (item 10); encryption stays on while the master redeploys.
func TestRootKeyChangeInPlace(t *testing.T) {
	e := newEnv(t)
	cluster, _ := e.create("infra:ibm:VpcCluster", props(e.clusterIn("rot", "us-south", 1)))
	in := map[string]any{"cluster": cluster, "region": "us-south", "instance": "kp-guid", "rootKey": "key-A", "privateEndpoint": true}
	h := e.h("infra:ibm:ClusterKms")
	id, outs := e.create("infra:ibm:ClusterKms", props(in))
	news := maps.Clone(in)
	news["rootKey"] = "key-B"
	d, err := h.Diff(context.Background(), id, props(in), props(news))
	if err != nil || len(d.Replaces) > 0 || len(d.Changes) == 0 {
		t.Fatalf("diff %+v %v, want an in-place change", d, err)
	}
	if _, err := h.Update(context.Background(), id, outs, props(in), props(news), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := e.fake.Get("cluster", cluster); b["_crk"] != "key-B" || dig(b, "features", "keyProtectEnabled") != true {
		t.Errorf("cluster key %v, enabled %v; want key-B, enabled", b["_crk"], dig(b, "features", "keyProtectEnabled"))
	}
}

// TestGatewayReplacedBeforeItGoes: a mesh gateway whose configuration
// changed is a new instance under a new name, made before the old one is
// deleted (item 15): the diff is no delete-before-replace, the new instance
// takes the floating IP over from the old one (which IBM refuses to bind
// twice), and the old one still runs until its delete.
func TestGatewayReplacedBeforeItGoes(t *testing.T) {
	e := newEnv(t)
	vpc, subnet := e.network("us-south", "us-south-1")
	fip, fipOuts := e.create("infra:ibm:FloatingIp", props(map[string]any{"name": "mesh-ip", "region": "us-south", "zone": "us-south-1",
		"resourceGroup": "Default"}))
	gw := func(name, userData string) map[string]any {
		return map[string]any{"name": name, "region": "us-south", "zone": "us-south-1", "vpc": vpc, "profile": "cx2-2x4",
			"image": "ubuntu-24-04-amd64", "subnet": subnet, "allowIpSpoofing": true, "floatingIp": fip, "userData": userData,
			"resourceGroup": "Default"}
	}
	h := e.h("infra:ibm:Instance")
	oldIn := gw("us-south-prod-mesh-gateway-0a1b2c", "#cloud-config\n# two peers")
	oldID, _ := e.create("infra:ibm:Instance", props(oldIn))
	newIn := gw("us-south-prod-mesh-gateway-3d4e5f", "#cloud-config\n# three peers")
	d, err := h.Diff(context.Background(), oldID, props(oldIn), props(newIn))
	if err != nil || len(d.Replaces) == 0 || d.DeleteBeforeReplace {
		t.Fatalf("diff %+v %v, want a replacement made before the delete", d, err)
	}
	newID, _ := e.create("infra:ibm:Instance", props(newIn))
	f, _ := e.fake.Get("floating_ip", fip)
	newInst, _ := e.fake.Get("instance", newID)
	if dig(f, "target", "id") != dig(newInst, "primary_network_interface", "id") {
		t.Errorf("floating IP %s bound to %v, want the new gateway's interface %v", str(fipOuts, "address"), dig(f, "target", "id"),
			dig(newInst, "primary_network_interface", "id"))
	}
	if _, ok := e.fake.Get("instance", oldID); !ok {
		t.Error("the old gateway went before the new one took over")
	}
}

// TestOutboundTrafficProtectionExplicit: IKS blocks a new cluster's public
// egress unless the create says otherwise (item 11), and the setting
// changes in place.
func TestOutboundTrafficProtectionExplicit(t *testing.T) {
	e := newEnv(t)
	in := e.clusterIn("egress", "us-south", 1)
	in["disableOutboundTrafficProtection"] = true
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	if b, _ := e.fake.Get("cluster", id); b["_outboundTrafficProtection"] != false {
		t.Fatalf("outbound traffic protection %v after a create that turned it off", b["_outboundTrafficProtection"])
	}
	news := maps.Clone(in)
	news["disableOutboundTrafficProtection"] = false
	h := e.h("infra:ibm:VpcCluster")
	if d, err := h.Diff(context.Background(), id, props(in), props(news)); err != nil || len(d.Replaces) > 0 {
		t.Fatalf("diff %+v %v, want in place", d, err)
	}
	if _, err := h.Update(context.Background(), id, outs, props(in), props(news), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := e.fake.Get("cluster", id); b["_outboundTrafficProtection"] != true {
		t.Errorf("outbound traffic protection %v, want it back on", b["_outboundTrafficProtection"])
	}
}
