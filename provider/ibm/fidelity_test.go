package ibm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"infra/provider/ibm/fakeibm"
)

// The fake IBM API refuses what IBM refuses, in IBM's shapes; these tests
// fail on a fake that accepts it, or on a provider that sends it.

// raw sends one request to the fake as a client other than the provider
// would, and decodes the JSON answer.
func raw(t *testing.T, fake *fakeibm.Server, method, path, contentType string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, fake.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer fake")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// firstError is the code and message of a VPC-shaped error answer.
func firstError(m map[string]any) (code, msg string) {
	list, _ := m["errors"].([]any)
	if len(list) == 0 {
		return "", ""
	}
	e, _ := list[0].(map[string]any)
	code, _ = e["code"].(string)
	msg, _ = e["message"].(string)
	return code, msg
}

// TestUntypedJSONRefused: a JSON body without a JSON Content-Type is 415,
// in the error shape of the API called (F1, item 6), and the provider types
// every body it sends.
func TestUntypedJSONRefused(t *testing.T) {
	e := newEnv(t)
	status, body := raw(t, e.fake, "POST", "/containers/global/v2/vpc/createCluster", "", map[string]any{"name": "c"})
	if status != http.StatusUnsupportedMediaType || body["incidentID"] == nil || body["code"] == nil {
		t.Errorf("IKS, no Content-Type: %d %v, want 415 in the IKS shape {code, description, incidentID}", status, body)
	}
	status, body = raw(t, e.fake, "POST", "/vpc/us-south/v1/vpcs?version=2026-04-07&generation=2", "text/plain", map[string]any{"name": "v"})
	if code, _ := firstError(body); status != http.StatusUnsupportedMediaType || code != "unsupported_media_type" {
		t.Errorf("VPC, text/plain: %d %v, want 415 unsupported_media_type", status, body)
	}
	status, body = raw(t, e.fake, "POST", "/kms/us-south/api/v2/keys", "", map[string]any{"resources": []any{}})
	if res, _ := body["resources"].([]any); status != http.StatusUnsupportedMediaType || len(res) != 1 {
		t.Errorf("Key Protect, no Content-Type: %d %v, want 415 in Key Protect's resources[] shape", status, body)
	}

	// The provider's own REST calls (Kubernetes Service) carry the type.
	mark := len(e.fake.RequestURIs())
	e.create("infra:ibm:VpcCluster", props(e.clusterIn("typed", "us-south", 1)))
	for _, u := range e.fake.RequestURIs()[mark:] {
		if strings.HasPrefix(u, "POST /containers/") && !strings.HasSuffix(u, " application/json") {
			t.Errorf("request %q has no JSON Content-Type", u)
		}
	}
}

// TestVPCVersionPinned: the provider sends the VPC API version it pins, and
// at that version the fake refuses the security-group protocol 'all' that
// the 2025-12-09 version removed (F4, F13, item 1).
func TestVPCVersionPinned(t *testing.T) {
	e := newEnv(t)
	vpc, _ := e.create("infra:ibm:Vpc", vpcInputs())
	sg, _ := e.create("infra:ibm:SecurityGroup", props(map[string]any{"vpc": vpc, "region": "us-south", "name": "sg", "resourceGroup": "Default"}))
	n := 0
	for _, u := range e.fake.RequestURIs() {
		if strings.Contains(u, " /vpc/") {
			n++
			if !strings.Contains(u, "version=2026-04-07") || !strings.Contains(u, "generation=2") {
				t.Errorf("VPC request %q does not ask for version 2026-04-07, generation 2", u)
			}
		}
	}
	if n == 0 {
		t.Fatal("no VPC request seen")
	}

	rule := func(version, proto string) (int, string) {
		status, body := raw(t, e.fake, "POST", "/vpc/us-south/v1/security_groups/"+sg+"/rules?generation=2&version="+version, "application/json",
			map[string]any{"direction": "inbound", "protocol": proto, "remote": map[string]any{"cidr_block": "10.0.0.0/8"}})
		code, _ := firstError(body)
		return status, code
	}
	for _, c := range []struct {
		version, proto string
		want           int
	}{
		{"2026-04-07", "all", http.StatusBadRequest},
		{"2026-04-07", "icmp_tcp_udp", http.StatusCreated},
		{"2026-04-07", "any", http.StatusCreated},
		{"2026-04-07", "number_47", http.StatusCreated},
		{"2025-11-18", "all", http.StatusCreated},
		{"2025-11-18", "icmp_tcp_udp", http.StatusBadRequest},
	} {
		if status, code := rule(c.version, c.proto); status != c.want || status == http.StatusBadRequest && code != "validation_invalid_argument" {
			t.Errorf("rule protocol %s at version %s: %d %s, want %d", c.proto, c.version, status, code, c.want)
		}
	}
	if status, body := raw(t, e.fake, "GET", "/vpc/us-south/v1/vpcs", "", nil); status != http.StatusBadRequest {
		t.Errorf("a VPC request without version: %d %v, want 400", status, body)
	}

	// Through the provider: Check refuses 'all' and names the replacement.
	_, failures, err := e.h("infra:ibm:SecurityGroupRule").Check(context.Background(), nil,
		props(map[string]any{"securityGroup": sg, "region": "us-south", "direction": "outbound", "protocol": "all", "remote": "0.0.0.0/0"}))
	if err != nil || len(failures) != 1 || !strings.Contains(failures[0].Reason, "icmp_tcp_udp") {
		t.Errorf("check of protocol all: %v %v", err, failures)
	}
	e.create("infra:ibm:SecurityGroupRule", props(map[string]any{"securityGroup": sg, "region": "us-south", "direction": "outbound",
		"protocol": "icmp_tcp_udp", "remote": "0.0.0.0/0"}))
}

// TestRouteRules: route names may not start with ibm- (item 19), and a
// route's next hop must be in the route's zone (F5, item 4).
func TestRouteRules(t *testing.T) {
	e := newEnv(t)
	vpc, outs := e.create("infra:ibm:Vpc", props(map[string]any{"name": "routes", "region": "us-south", "resourceGroup": "Default",
		"addressPrefixManagement": "manual"}))
	rt := str(outs, "defaultRoutingTable")
	for i, z := range []string{"us-south-1", "us-south-2"} {
		cidr := []string{"10.10.0.0/20", "10.10.16.0/20"}[i]
		e.create("infra:ibm:VpcAddressPrefix", props(map[string]any{"vpc": vpc, "region": "us-south", "name": "p" + z, "zone": z, "cidr": cidr}))
		e.create("infra:ibm:Subnet", props(map[string]any{"vpc": vpc, "region": "us-south", "name": "s" + z, "zone": z,
			"ipv4CidrBlock": cidr, "resourceGroup": "Default"}))
	}
	route := func(name, zone, hop string) map[string]any {
		return map[string]any{"vpc": vpc, "region": "us-south", "routingTable": rt, "name": name, "zone": zone,
			"destination": "10.20.0.0/16", "action": "deliver", "nextHop": hop}
	}
	_, failures, _ := e.h("infra:ibm:VpcRoutingTableRoute").Check(context.Background(), nil, props(route("ibm-to-aws", "us-south-1", "10.10.0.9")))
	if len(failures) != 1 || failures[0].Property != "name" || !strings.Contains(failures[0].Reason, "reserved") {
		t.Errorf("check of an ibm- route name: %v", failures)
	}
	status, body := raw(t, e.fake, "POST", "/vpc/us-south/v1/vpcs/"+vpc+"/routing_tables/"+rt+"/routes?version=2026-04-07&generation=2",
		"application/json", map[string]any{"name": "ibm-to-aws", "zone": map[string]any{"name": "us-south-1"}, "destination": "10.20.0.0/16",
			"action": "deliver", "next_hop": map[string]any{"address": "10.10.0.9"}})
	if _, msg := firstError(body); status != http.StatusBadRequest || !strings.Contains(msg, "reserved for system-provided routes") {
		t.Errorf("fake, ibm- route name: %d %v", status, body)
	}

	// A zone-2 route to a next hop in zone 1 is refused, naming the input.
	_, _, err := e.h("infra:ibm:VpcRoutingTableRoute").Create(context.Background(), props(route("to-aws-2", "us-south-2", "10.10.0.9")), false)
	if err == nil || !strings.Contains(err.Error(), "input nextHop") || !strings.Contains(err.Error(), "zone us-south-1") {
		t.Errorf("cross-zone next hop: %v", err)
	}
	e.create("infra:ibm:VpcRoutingTableRoute", props(route("to-aws-1", "us-south-1", "10.10.0.9")))
}

// TestClusterKmsWaitsForMaster: enabling Key Protect is asynchronous (F2,
// item 2): the master goes Deploy requested, Deploy in progress, Ready while
// the cluster stays normal, and ClusterKms waits instead of calling the
// enablement gone.
func TestClusterKmsWaitsForMaster(t *testing.T) {
	e := newEnv(t)
	cluster, _ := e.create("infra:ibm:VpcCluster", props(e.clusterIn("kp", "us-south", 1)))
	e.create("infra:ibm:ClusterKms", props(map[string]any{"cluster": cluster, "region": "us-south", "instance": "kp-guid",
		"rootKey": "key-1", "privateEndpoint": true}))
	h := e.fake.History(cluster)
	want := []string{"master:Deploy requested", "master:Deploy in progress", "master:Ready"}
	var got []string
	for _, s := range h {
		if strings.HasPrefix(s, "master:") {
			got = append(got, s)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("master states %v, want %v", got, want)
	}
	if b, _ := e.fake.Get("cluster", cluster); dig(b, "features", "keyProtectEnabled") != true {
		t.Errorf("Key Protect not enabled after the create: %v", b["features"])
	}
}

// TestClusterInItsVPCsRegion: a cluster in eu-de reports eu-de in its
// region, CRN, ingress host and endpoints (F16), and IKS refuses a subnet of
// another VPC or zone (F7).
func TestClusterInItsVPCsRegion(t *testing.T) {
	e := newEnv(t)
	vpc, subnet := e.network("eu-de", "eu-de-1")
	in := map[string]any{"name": "frankfurt", "region": "eu-de", "resourceGroup": "Default", "kubeVersion": "1.35", "vpcId": vpc,
		"flavor": "bx2.4x16", "workerCount": 1, "zoneSubnets": map[string]any{"eu-de-1": subnet}}
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	for _, k := range []string{"crn", "ingressHostname", "privateServiceEndpointUrl"} {
		if !strings.Contains(str(outs, k), "eu-de") || strings.Contains(str(outs, k), "us-south") {
			t.Errorf("%s = %q, want it in eu-de", k, str(outs, k))
		}
	}
	r, err := e.h("infra:ibm:VpcCluster").Read(context.Background(), id, props(in), outs)
	if err != nil || str(r.Inputs, "region") != "eu-de" {
		t.Errorf("read region = %q (%v)", str(r.Inputs, "region"), err)
	}
	bad := maps.Clone(in)
	bad["name"], bad["zoneSubnets"] = "wrong-zone", map[string]any{"eu-de-2": subnet}
	if _, _, err := e.h("infra:ibm:VpcCluster").Create(context.Background(), props(bad), false); err == nil || !strings.Contains(err.Error(), "not in zone eu-de-2") {
		t.Errorf("a subnet in another zone: %v", err)
	}
}

// TestSubnetDeleteWaitsForClusterLoadBalancers: after a cluster is deleted
// its kube-<id> load balancers hold the subnets for a while; the subnet
// delete gets 409 and is retried with a fresh read until it goes (F6, item
// 8). Another 4xx fails at once with IBM's message.
func TestSubnetDeleteWaitsForClusterLoadBalancers(t *testing.T) {
	e := newEnv(t)
	vpc, subnet := e.network("us-south", "us-south-1")
	in := props(map[string]any{"name": "lbs", "region": "us-south", "resourceGroup": "Default", "kubeVersion": "1.35", "vpcId": vpc,
		"flavor": "bx2.4x16", "workerCount": 1, "zoneSubnets": map[string]any{"us-south-1": subnet}})
	cluster, outs := e.create("infra:ibm:VpcCluster", in)
	ctx := context.Background()
	subnetIn := props(map[string]any{"vpc": vpc, "region": "us-south", "name": "s-us-south-1", "zone": "us-south-1",
		"ipv4CidrBlock": "10.10.0.0/20", "resourceGroup": "Default"})

	// While the cluster's workers sit on it, the subnet cannot go: 409,
	// retried until the deadline, then IBM's message.
	e.fake.Inject(fakeibm.Fault{Method: "DELETE", Path: "/vpc/us-south/v1/subnets/", Status: http.StatusForbidden, Times: 1})
	err := e.h("infra:ibm:Subnet").Delete(ctx, subnet, subnetIn)
	if err == nil || !strings.Contains(err.Error(), "HTTP 403") || countReq(e.fake, "DELETE /vpc/us-south/v1/subnets/") != 1 {
		t.Fatalf("a 403 on delete: %v after %d tries, want it at once", err, countReq(e.fake, "DELETE /vpc/us-south/v1/subnets/"))
	}
	if err := e.h("infra:ibm:VpcCluster").Delete(ctx, cluster, outs); err != nil {
		t.Fatal(err)
	}
	if e.fake.Count("load_balancer") == 0 {
		t.Fatal("the deleted cluster left no load balancer behind; the fake should keep its kube-<id> LBs a while")
	}
	before := countReq(e.fake, "DELETE /vpc/us-south/v1/subnets/")
	if err := e.h("infra:ibm:Subnet").Delete(ctx, subnet, subnetIn); err != nil {
		t.Fatalf("subnet delete after the cluster: %v", err)
	}
	if n := countReq(e.fake, "DELETE /vpc/us-south/v1/subnets/") - before; n < 2 {
		t.Errorf("%d subnet deletes: want the 409 retried", n)
	}
	if e.fake.Count("subnet") != 0 {
		t.Error("the subnet is still there")
	}
}

// TestConflictGivesUpAtDeadline: a 409 that never passes fails after the
// type's deadline with IBM's message, not at once and not forever.
func TestConflictGivesUpAtDeadline(t *testing.T) {
	e := newEnv(t)
	_, subnet := e.network("us-south", "us-south-1")
	e.fake.Inject(fakeibm.Fault{Method: "DELETE", Path: "/vpc/us-south/v1/subnets/", Status: http.StatusConflict})
	start := e.clock.Now()
	err := e.h("infra:ibm:Subnet").Delete(context.Background(), subnet, props(map[string]any{"region": "us-south", "name": "s"}))
	if err == nil || !strings.Contains(err.Error(), "HTTP 409") {
		t.Fatalf("error = %v, want IBM's 409", err)
	}
	if waited := e.clock.Now().Sub(start); waited < 10*time.Minute {
		t.Errorf("gave up after %s, want the subnet's deadline", waited)
	}
}

func countReq(fake *fakeibm.Server, prefix string) int {
	n := 0
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// deadlineClock advances like fakeClock but, as a real sleep would, fails
// a sleep that outlasts its context's deadline (item 9, F15).
type deadlineClock struct{ fakeClock }

func (c *deadlineClock) Sleep(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	return c.fakeClock.Sleep(ctx, d)
}

// TestRetryAfterBeyondTwoMinutes: a Retry-After of 150 s is honoured; no
// client-wide timeout cuts the wait short.
func TestRetryAfterBeyondTwoMinutes(t *testing.T) {
	clock := &deadlineClock{fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	e := newEnvClock(t, clock)
	e.fake.Inject(fakeibm.Fault{Method: "POST", Path: "/vpc/us-south/v1/vpcs", Status: 429, RetryAfter: "150", Times: 1})
	e.create("infra:ibm:Vpc", vpcInputs())
	if !slices.Contains(clock.sleeps(), 150*time.Second) {
		t.Errorf("sleeps %v: want the Retry-After of 150s", clock.sleeps())
	}
}

// TestKeyProtectErrorShape: Key Protect's refusals carry their reason code
// and correlation id into the error (F8, item 14).
func TestKeyProtectErrorShape(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.h("infra:ibm:KmsKey").Create(context.Background(), props(map[string]any{"instance": "kp-guid", "region": "us-south",
		"name": "k", "rootKey": true}), false)
	if err == nil || !strings.Contains(err.Error(), "code BAD_BODY_ERR") || !strings.Contains(err.Error(), "trace fake-correlation-0001") ||
		!strings.Contains(err.Error(), "2 to 90 characters") {
		t.Errorf("error = %v, want Key Protect's reason code, message and correlation id", err)
	}
}

// TestClusterChangesInPlace: adding a zone and changing the flavor change
// the worker pool, never the cluster (item 7): the diff replaces nothing,
// the cluster keeps its id, and no cluster delete is sent.
func TestClusterChangesInPlace(t *testing.T) {
	e := newEnv(t)
	vpc, _ := e.create("infra:ibm:Vpc", props(map[string]any{"name": "grow", "region": "us-south", "resourceGroup": "Default",
		"addressPrefixManagement": "manual"}))
	subnets := map[string]any{}
	for i, z := range []string{"us-south-1", "us-south-2"} {
		cidr := []string{"10.10.0.0/20", "10.10.16.0/20"}[i]
		e.create("infra:ibm:VpcAddressPrefix", props(map[string]any{"vpc": vpc, "region": "us-south", "name": "p" + z, "zone": z, "cidr": cidr}))
		subnets[z], _ = e.create("infra:ibm:Subnet", props(map[string]any{"vpc": vpc, "region": "us-south", "name": "s" + z, "zone": z,
			"ipv4CidrBlock": cidr, "resourceGroup": "Default"}))
	}
	in := map[string]any{"name": "grow", "region": "us-south", "resourceGroup": "Default", "kubeVersion": "1.35", "vpcId": vpc,
		"flavor": "bx2.4x16", "workerCount": 2, "zoneSubnets": map[string]any{"us-south-1": subnets["us-south-1"]}}
	h := e.h("infra:ibm:VpcCluster")
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	ctx := context.Background()
	step := func(what string, change func(m map[string]any)) map[string]any {
		t.Helper()
		news := maps.Clone(in)
		change(news)
		d, err := h.Diff(ctx, id, props(in), props(news))
		if err != nil || len(d.Replaces) > 0 || d.DeleteBeforeReplace || len(d.Changes) == 0 {
			t.Fatalf("%s: diff %+v (%v), want an in-place change", what, d, err)
		}
		if outs, err = h.Update(ctx, id, outs, props(in), props(news), false); err != nil {
			t.Fatalf("%s: update: %v", what, err)
		}
		r, err := h.Read(ctx, id, props(news), outs)
		if err != nil || r.ID != id || !r.Inputs.DeepEquals(props(news)) {
			t.Fatalf("%s: read after the update: %v %q\n got %v\nwant %v", what, err, r.ID, r.Inputs, props(news))
		}
		in = news
		return news
	}
	step("add a zone", func(m map[string]any) { m["zoneSubnets"] = subnets })
	step("change the flavor", func(m map[string]any) { m["flavor"] = "bx2.8x32" })
	step("drop a zone", func(m map[string]any) { m["zoneSubnets"] = map[string]any{"us-south-2": subnets["us-south-2"]} })
	if ids := e.fake.IDs("cluster"); !slices.Equal(ids, []string{id}) {
		t.Errorf("clusters %v, want only %s", ids, id)
	}
	for _, r := range e.fake.Requests() {
		if r == "DELETE /containers/global/v1/clusters/"+id {
			t.Errorf("the cluster was deleted by a pool change")
		}
	}
	pools := e.fake.IDs("worker_pool")
	if len(pools) != 1 || pools[0] != id+"-pool-bx2-8x32" {
		t.Errorf("worker pools %v, want the bx2.8x32 pool only", pools)
	}
}

// TestCBRRefusesInfraOutsideItsZones: an enforced context-based restriction
// on a Key Protect instance refuses infra's own calls unless one of its
// contexts admits where infra runs from over the public endpoint it calls
// (F9, item 5a): the clusters' zone over private endpoints alone locks
// infra out of its root key, a rule in report mode refuses nothing, and the
// rule's publicZones let infra in.
func TestCBRRefusesInfraOutsideItsZones(t *testing.T) {
	e := newEnv(t)
	e.create("infra:ibm:ResourceGroup", props(map[string]any{"name": "demo-prod"}))
	_, inst := e.create("infra:ibm:ResourceInstance", props(map[string]any{"name": "demo-prod-kms", "service": "kms",
		"plan": "tiered-pricing", "location": "us-south", "resourceGroup": "demo-prod"}))
	guid := str(inst, "guid")
	clusters, _ := e.create("infra:ibm:CbrZone", props(map[string]any{"name": "clusters", "serviceRefs": []any{"containers-kubernetes"}}))
	elsewhere, _ := e.create("infra:ibm:CbrZone", props(map[string]any{"name": "elsewhere", "ipAddresses": []any{"203.0.113.0/24"}}))
	runners, _ := e.create("infra:ibm:CbrZone", props(map[string]any{"name": "runners", "ipAddresses": []any{"198.51.100.0/24"}}))
	rule := map[string]any{"description": "only clusters reach Key Protect", "zones": []any{clusters},
		"resourceAttributes": map[string]any{"serviceName": "kms", "serviceInstance": guid}, "endpointType": "private", "enforcementMode": "report"}
	ruleID, ruleOuts := e.create("infra:ibm:CbrRule", props(rule))
	key := map[string]any{"instance": guid, "region": "us-south", "name": "root", "rootKey": true}
	if _, _, err := e.h("infra:ibm:KmsKey").Create(context.Background(), props(key), false); err != nil {
		t.Fatalf("a rule in report mode refused the key's create: %v", err)
	}
	update := func(change func(map[string]any)) {
		t.Helper()
		news := maps.Clone(rule)
		change(news)
		if _, err := e.h("infra:ibm:CbrRule").Update(context.Background(), ruleID, ruleOuts, props(rule), props(news), false); err != nil {
			t.Fatal(err)
		}
		rule = news
	}
	for _, c := range []struct {
		name   string
		change func(map[string]any)
		admit  bool
	}{
		{"enforced, clusters only", func(r map[string]any) { r["enforcementMode"] = "enabled" }, false},
		{"a zone that does not hold the runner", func(r map[string]any) { r["publicZones"] = []any{elsewhere} }, false},
		{"the runner's zone over private endpoints", func(r map[string]any) { r["zones"] = []any{clusters, runners}; delete(r, "publicZones") }, false},
		{"the runner's zone over the public endpoint", func(r map[string]any) { r["zones"] = []any{clusters}; r["publicZones"] = []any{runners} }, true},
	} {
		update(c.change)
		key["name"] = "root-" + strings.ReplaceAll(c.name, " ", "-")[:12]
		_, _, err := e.h("infra:ibm:KmsKey").Create(context.Background(), props(key), false)
		switch {
		case c.admit && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case !c.admit && (err == nil || !strings.Contains(err.Error(), "HTTP 403") || !strings.Contains(err.Error(), "context-based restriction")):
			t.Errorf("%s: error = %v, want Key Protect's 403 naming the context-based restriction", c.name, err)
		}
	}
	if b, _ := e.fake.Get("cbr_rule", ruleID); len(b["contexts"].([]any)) != 2 {
		t.Errorf("rule contexts = %v, want the clusters' over private and the runners' over public", b["contexts"])
	}
}

// TestZoneAddressesFromAnotherStack: a regional stack adds its VPC to the
// environment's zone, which the landing zone owns (item 5c): the zone's
// own read does not see the added address (no drift), the zone's update
// keeps it, and the addresses' delete removes only its own.
func TestZoneAddressesFromAnotherStack(t *testing.T) {
	e := newEnv(t)
	zin := map[string]any{"name": "prod-clusters", "serviceRefs": []any{"containers-kubernetes"}}
	zone, zouts := e.create("infra:ibm:CbrZone", props(zin))
	const vpc1, vpc2 = "crn:v1:bluemix:public:is:us-south:a/acc::vpc:r006-1", "crn:v1:bluemix:public:is:eu-de:a/acc::vpc:r010-2"
	a1in := map[string]any{"zone": zone, "name": "ibm-us-south-prod", "vpcs": []any{vpc1}}
	a1, _ := e.create("infra:ibm:CbrZoneAddresses", props(a1in))
	a2, _ := e.create("infra:ibm:CbrZoneAddresses", props(map[string]any{"zone": zone, "name": "ibm-eu-de-prod", "vpcs": []any{vpc2}}))
	if a1 != zone+"/infra-ibm-us-south-prod" {
		t.Errorf("id = %s, want <zone>/infra-<name>", a1)
	}
	sorted := func(s []string) []string { slices.Sort(s); return s }
	values := func() []string {
		b, _ := e.fake.Get("cbr_zone", zone)
		var out []string
		for _, a := range b["addresses"].([]any) {
			m := a.(map[string]any)
			v, _ := m["value"].(string)
			out = append(out, fmtAny(m["type"])+"="+v)
		}
		slices.Sort(out)
		return out
	}
	want := sorted([]string{"serviceRef=", "vpc=" + vpc1, "vpc=" + vpc2})
	if got := values(); !slices.Equal(got, want) {
		t.Errorf("zone addresses = %v, want %v", got, want)
	}
	r, err := e.h("infra:ibm:CbrZone").Read(context.Background(), zone, props(zin), zouts)
	if err != nil || r.Inputs["ipAddresses"].HasValue() || !r.Inputs["serviceRefs"].DeepEquals(props(zin)["serviceRefs"]) {
		t.Errorf("zone read = %v (%v), want its own addresses only", r.Inputs, err)
	}
	ra, err := e.h("infra:ibm:CbrZoneAddresses").Read(context.Background(), a1, props(a1in), nil)
	if err != nil || !ra.Inputs["vpcs"].DeepEquals(props(a1in)["vpcs"]) {
		t.Errorf("zone addresses read = %v (%v), want its VPC only", ra.Inputs, err)
	}
	znew := map[string]any{"name": "prod-clusters", "serviceRefs": []any{"containers-kubernetes"}, "ipAddresses": []any{"198.51.100.0/24"}}
	if _, err := e.h("infra:ibm:CbrZone").Update(context.Background(), zone, zouts, props(zin), props(znew), false); err != nil {
		t.Fatal(err)
	}
	want = sorted([]string{"serviceRef=", "subnet=198.51.100.0/24", "vpc=" + vpc1, "vpc=" + vpc2})
	if got := values(); !slices.Equal(got, want) {
		t.Errorf("after the zone's update: %v, want %v", got, want)
	}
	// The id holds the zone and the mark: moving the addresses to another
	// zone or renaming them is a replacement, or the update would rewrite
	// the old zone's addresses under the old mark.
	for key, v := range map[string]any{"zone": "another-zone", "name": "ibm-us-south-staging"} {
		moved := maps.Clone(a1in)
		moved[key] = v
		d, err := e.h("infra:ibm:CbrZoneAddresses").Diff(context.Background(), a1, props(a1in), props(moved))
		if err != nil || !slices.Equal(d.Replaces, []string{key}) {
			t.Errorf("a new %s: replaces %v (%v), want [%s]", key, d.Replaces, err, key)
		}
	}
	if d, _ := e.h("infra:ibm:CbrZoneAddresses").Diff(context.Background(), a1, props(a1in), props(map[string]any{"zone": zone, "name": "ibm-us-south-prod", "vpcs": []any{vpc1, vpc2}})); len(d.Replaces) != 0 {
		t.Errorf("another VPC replaces the addresses: %v", d.Replaces)
	}
	if err := e.h("infra:ibm:CbrZoneAddresses").Delete(context.Background(), a2, nil); err != nil {
		t.Fatal(err)
	}
	want = sorted([]string{"serviceRef=", "subnet=198.51.100.0/24", "vpc=" + vpc1})
	if got := values(); !slices.Equal(got, want) {
		t.Errorf("after one addresses' delete: %v, want %v", got, want)
	}
}

// TestRuleOverSeveralEndpointTypes: a rule admitting private and direct
// endpoints (Object Storage from VPC workloads, item 5c) has a context per
// endpoint type, since a context admits only over all its attributes, and
// reads back as it was written.
func TestRuleOverSeveralEndpointTypes(t *testing.T) {
	e := newEnv(t)
	zone, _ := e.create("infra:ibm:CbrZone", props(map[string]any{"name": "clusters", "serviceRefs": []any{"containers-kubernetes"}}))
	in := map[string]any{"description": "cos from the clusters", "zones": []any{zone}, "endpointType": "private,direct",
		"resourceAttributes": map[string]any{"serviceName": "cloud-object-storage"}, "enforcementMode": "enabled"}
	id, outs := e.create("infra:ibm:CbrRule", props(in))
	b, _ := e.fake.Get("cbr_rule", id)
	if got := fmtAny(b["contexts"]); !strings.Contains(got, "private") || !strings.Contains(got, "direct") || len(b["contexts"].([]any)) != 2 {
		t.Errorf("contexts = %s, want one per endpoint type", got)
	}
	r, err := e.h("infra:ibm:CbrRule").Read(context.Background(), id, props(in), outs)
	if err != nil || r.Inputs["endpointType"].StringValue() != "private,direct" || len(r.Inputs["zones"].ArrayValue()) != 1 {
		t.Errorf("read = %v (%v), want endpointType private,direct over the one zone", r.Inputs, err)
	}
	_, failures, _ := e.h("infra:ibm:CbrRule").Check(context.Background(), nil, props(map[string]any{"description": "x", "zones": []any{zone},
		"endpointType": "private,vpn", "resourceAttributes": map[string]any{"serviceName": "kms"}, "enforcementMode": "enabled"}))
	if len(failures) != 1 || !strings.Contains(failures[0].Reason, "not vpn") {
		t.Errorf("check failures = %v, want vpn refused", failures)
	}
}
