package fakeibm

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// kubeVersions are the Kubernetes minor versions IKS offers, what
// createCluster accepts (../shared/reference/clouds.md §2.3, from IBM doc
// "Kubernetes version information": 1.33 to 1.36, n-2 supported).
var kubeVersions = []string{"1.33", "1.34", "1.35", "1.36"}

func supportedKube(v string) bool {
	for _, k := range kubeVersions {
		if v == k || strings.HasPrefix(v, k+".") {
			return true
		}
	}
	return false
}

// The Kubernetes Service API, under /containers/global. A cluster goes
// through requested, deploying and pending before it is normal.
func (s *Server) containerRoutes() {
	const base = "/containers/global"
	csErr := func(c *call, status int, code, msg string) {
		c.json(status, map[string]any{"incidentID": "fake-incident-0001", "code": code, "description": msg, "type": "General"})
	}
	s.handle(http.MethodPost, base+"/v2/vpc/createCluster", func(c *call) {
		if c.s.nameTaken("cluster", "", "name", c.str("name")) {
			csErr(c, http.StatusConflict, "E0007", "A cluster with the same name already exists. Choose another name.")
			return
		}
		pool, _ := c.body["workerPool"].(map[string]any)
		zones, _ := pool["zones"].([]any)
		if pool == nil || len(zones) == 0 {
			csErr(c, http.StatusBadRequest, "E0185", "The worker pool needs at least one zone.")
			return
		}
		if c.s.find("vpc", fmt.Sprint(pool["vpcID"])) == nil {
			csErr(c, http.StatusBadRequest, "E3454", "The VPC "+fmt.Sprint(pool["vpcID"])+" could not be found.")
			return
		}
		rg := c.r.Header.Get("X-Auth-Resource-Group")
		if rg == "" {
			rg = c.s.defaultGroup()
		}
		// The cluster lives where its VPC does: IKS validates every zone's
		// subnet against the VPC and the zone (F7), and the region, CRN,
		// ingress domain and service endpoints follow the VPC's region (F16).
		vpc := c.s.find("vpc", fmt.Sprint(pool["vpcID"]))
		region, _, _ := strings.Cut(vpc.scope, "/")
		var pz []any
		for _, z := range zones {
			zm, _ := z.(map[string]any)
			zone, sid := fmt.Sprint(zm["id"]), fmt.Sprint(zm["subnetID"])
			sn := c.s.find("subnet", sid)
			switch {
			case sn == nil:
				csErr(c, http.StatusBadRequest, "E3455", "The subnet "+sid+" could not be found.")
				return
			case dig(sn.body, "vpc.id") != vpc.id:
				csErr(c, http.StatusBadRequest, "E3456", "The subnet "+sid+" is not in VPC "+vpc.id+".")
				return
			case dig(sn.body, "zone.name") != zone:
				csErr(c, http.StatusBadRequest, "E3457", fmt.Sprintf("The subnet %s is in zone %v, not in zone %s.", sid, dig(sn.body, "zone.name"), zone))
				return
			}
			pz = append(pz, map[string]any{"id": zone, "workerCount": pool["workerCount"], "subnets": []any{map[string]any{"id": sid, "primary": true}}})
		}
		if v := c.str("kubeVersion"); !supportedKube(v) {
			csErr(c, http.StatusBadRequest, "E0156", "The Kubernetes version "+v+" is not supported. Supported versions: "+strings.Join(kubeVersions, ", ")+".")
			return
		}
		if f := fmt.Sprint(pool["flavor"]); !strings.Contains(f, ".") || strings.Contains(f, "-") {
			csErr(c, http.StatusBadRequest, "E0182", "The flavor "+f+" is not available in this zone (IKS flavors are written like bx2.4x16).")
			return
		}
		id := strings.ReplaceAll(c.s.newID("c"), "-", "") + "fakecluster"
		disablePublic, _ := c.body["disablePublicServiceEndpoint"].(bool)
		// Secure by default (1.30 and later): public egress is blocked
		// unless the create turns outbound traffic protection off.
		openEgress, _ := c.body["disableOutboundTrafficProtection"].(bool)
		cl := map[string]any{"id": id, "name": c.str("name"), "region": region, "resourceGroup": rg, "provider": "vpc-gen2",
			"masterKubeVersion": c.str("kubeVersion") + ".2_1530", "crn": "crn:v1:bluemix:public:containers-kubernetes:" + region + ":a/" + Account + ":" + id + "::",
			"ingress": map[string]any{"hostname": c.str("name") + "-" + id[:8] + "." + region + ".containers.appdomain.cloud", "secretName": c.str("name")},
			"serviceEndpoints": map[string]any{"privateServiceEndpointEnabled": true,
				"privateServiceEndpointURL":    "https://c100.private." + region + ".containers.cloud.ibm.com:30000",
				"publicServiceEndpointEnabled": !disablePublic,
				"publicServiceEndpointURL":     map[bool]string{true: "", false: "https://c100." + region + ".containers.cloud.ibm.com:30000"}[disablePublic]},
			"features":                   map[string]any{"keyProtectEnabled": false},
			"_outboundTrafficProtection": !openEgress,
			"lifecycle":                  map[string]any{"masterStatus": "Ready", "masterHealth": "normal", "masterState": "deployed"},
		}
		// Cluster states as Terraform waits on them (IBM-Cloud/terraform-
		// provider-ibm@v2.5.0 resource_ibm_container_cluster.go:26-34).
		clo := c.s.put("cluster", id, "", cl, "state", "requested", "deploying", "pending", "normal")
		c.s.put("worker_pool", id+"-default", id, map[string]any{"id": id + "-default", "poolName": "default", "flavor": pool["flavor"],
			"vpcID": pool["vpcID"], "workerCount": pool["workerCount"], "zones": pz, "lifecycle": map[string]any{"actualState": "active"}}, "")
		c.s.syncWorkers(clo)
		c.json(http.StatusCreated, map[string]any{"clusterID": id})
	})
	s.handle(http.MethodGet, base+"/v2/vpc/getClusters", func(c *call) {
		c.json(http.StatusOK, c.s.list("cluster", "", nil))
	})
	cluster := func(c *call, key string) *object {
		idOrName := c.q(key)
		if idOrName == "" {
			idOrName = c.params["id"]
		}
		if o := c.s.find("cluster", idOrName); o != nil {
			return o
		}
		for _, o := range c.s.objs {
			if o.kind == "cluster" && !o.gone && o.body["name"] == idOrName {
				return o
			}
		}
		csErr(c, http.StatusNotFound, "G0004", "The specified cluster could not be found.")
		return nil
	}
	s.handle(http.MethodGet, base+"/v2/vpc/getCluster", func(c *call) {
		if o := cluster(c, "cluster"); o != nil {
			c.json(http.StatusOK, c.s.read(o))
		}
	})
	s.handle(http.MethodGet, base+"/v2/vpc/getWorkerPools", func(c *call) {
		if o := cluster(c, "cluster"); o != nil {
			c.json(http.StatusOK, c.s.list("worker_pool", o.id, nil))
		}
	})
	s.handle(http.MethodPost, base+"/v2/resizeWorkerPool", func(c *call) {
		o := c.s.find("cluster", c.str("cluster"))
		pool := c.s.find("worker_pool", c.str("cluster")+"-"+c.str("workerpool"))
		if o == nil || pool == nil {
			csErr(c, http.StatusNotFound, "G0004", "The specified cluster or worker pool could not be found.")
			return
		}
		pool.body["workerCount"] = c.body["size"]
		for _, z := range pool.body["zones"].([]any) {
			z.(map[string]any)["workerCount"] = c.body["size"]
		}
		c.w.WriteHeader(http.StatusNoContent)
	})
	// Worker pools and their zones change in place (bluemix-go containerv2
	// worker_pool.go: createWorkerPool, createWorkerPoolZone, DeleteWorkerPool;
	// containerv1 RemoveZone).
	pool := func(c *call, cluster, nameOrID string) *object {
		for _, o := range c.s.objs {
			if o.kind == "worker_pool" && !o.gone && o.scope == cluster && (o.id == nameOrID || o.body["poolName"] == nameOrID) {
				return o
			}
		}
		csErr(c, http.StatusNotFound, "G0004", "The specified worker pool could not be found.")
		return nil
	}
	zoneSubnet := func(c *call, vpcID, zone, sid string) bool {
		sn := c.s.find("subnet", sid)
		switch {
		case sn == nil || dig(sn.body, "vpc.id") != vpcID:
			csErr(c, http.StatusBadRequest, "E3456", "The subnet "+sid+" is not in VPC "+vpcID+".")
			return false
		case dig(sn.body, "zone.name") != zone:
			csErr(c, http.StatusBadRequest, "E3457", fmt.Sprintf("The subnet %s is in zone %v, not in zone %s.", sid, dig(sn.body, "zone.name"), zone))
			return false
		}
		return true
	}
	bodyCluster := func(c *call) *object {
		if o := c.s.find("cluster", c.str("cluster")); o != nil {
			return o
		}
		csErr(c, http.StatusNotFound, "G0004", "The specified cluster could not be found.")
		return nil
	}
	s.handle(http.MethodPost, base+"/v2/vpc/createWorkerPool", func(c *call) {
		o := bodyCluster(c)
		if o == nil {
			return
		}
		name := c.str("name")
		if c.s.find("worker_pool", o.id+"-"+name) != nil {
			csErr(c, http.StatusConflict, "E0012", "A worker pool named "+name+" already exists.")
			return
		}
		zones, _ := c.body["zones"].([]any)
		var pz []any
		for _, z := range zones {
			zm, _ := z.(map[string]any)
			if !zoneSubnet(c, c.str("vpcID"), fmt.Sprint(zm["id"]), fmt.Sprint(zm["subnetID"])) {
				return
			}
			pz = append(pz, map[string]any{"id": zm["id"], "workerCount": c.body["workerCount"], "subnets": []any{map[string]any{"id": zm["subnetID"], "primary": true}}})
		}
		id := o.id + "-" + name
		c.s.put("worker_pool", id, o.id, map[string]any{"id": id, "poolName": name, "flavor": c.body["flavor"], "vpcID": c.body["vpcID"],
			"workerCount": c.body["workerCount"], "zones": pz, "lifecycle": map[string]any{"actualState": "active"}}, "")
		c.json(http.StatusCreated, map[string]any{"workerPoolID": id})
	})
	s.handle(http.MethodPost, base+"/v2/vpc/createWorkerPoolZone", func(c *call) {
		o := bodyCluster(c)
		if o == nil {
			return
		}
		wp := pool(c, o.id, c.str("workerPoolID"))
		if wp == nil || !zoneSubnet(c, fmt.Sprint(wp.body["vpcID"]), c.str("id"), c.str("subnetID")) {
			return
		}
		zones, _ := wp.body["zones"].([]any)
		for _, z := range zones {
			if z.(map[string]any)["id"] == c.str("id") {
				csErr(c, http.StatusConflict, "E0015", "The worker pool already has zone "+c.str("id")+".")
				return
			}
		}
		wp.body["zones"] = append(zones, map[string]any{"id": c.str("id"), "workerCount": wp.body["workerCount"],
			"subnets": []any{map[string]any{"id": c.str("subnetID"), "primary": true}}})
		c.w.WriteHeader(http.StatusCreated)
	})
	s.handle(http.MethodDelete, base+"/v1/clusters/{id}/workerpools/{pool}/zones/{zone}", func(c *call) {
		o := cluster(c, "")
		if o == nil {
			return
		}
		wp := pool(c, o.id, c.params["pool"])
		if wp == nil {
			return
		}
		zones, _ := wp.body["zones"].([]any)
		var keep []any
		for _, z := range zones {
			if z.(map[string]any)["id"] != c.params["zone"] {
				keep = append(keep, z)
			}
		}
		if len(keep) == len(zones) {
			csErr(c, http.StatusNotFound, "G0004", "The worker pool has no zone "+c.params["zone"]+".")
			return
		}
		wp.body["zones"] = keep
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodDelete, base+"/v1/clusters/{id}/workerpools/{pool}", func(c *call) {
		o := cluster(c, "")
		if o == nil {
			return
		}
		wp := pool(c, o.id, c.params["pool"])
		if wp == nil {
			return
		}
		if len(c.s.list("worker_pool", o.id, nil)) == 1 {
			csErr(c, http.StatusBadRequest, "E0148", "A cluster needs at least one worker pool.")
			return
		}
		wp.gone = true
		c.w.WriteHeader(http.StatusNoContent)
	})
	// Workers (bluemix-go containerv2 workers.go: GET /v2/vpc/getWorkers,
	// POST /v2/vpc/replaceWorker {cluster, workerID, update}). Each pool zone
	// has workerCount workers; a worker runs the Kubernetes version it was
	// deployed with until it is replaced with update=true, which deletes it
	// and provisions a new one at the master's version.
	s.handle(http.MethodGet, base+"/v2/vpc/getWorkers", func(c *call) {
		o := cluster(c, "cluster")
		if o == nil {
			return
		}
		c.s.syncWorkers(o)
		out := []any{}
		for _, w := range c.s.liveWorkers(o.id) {
			b := c.s.read(w)
			b["lifecycle"] = map[string]any{"actualState": b["_state"], "desiredState": "deployed"}
			delete(b, "_state")
			out = append(out, b)
		}
		c.json(http.StatusOK, out)
	})
	s.handle(http.MethodPost, base+"/v2/vpc/replaceWorker", func(c *call) {
		o := c.s.clusterByIDOrName(c.str("cluster"))
		if o == nil {
			csErr(c, http.StatusNotFound, "G0004", "The specified cluster could not be found.")
			return
		}
		if strings.HasSuffix(fmt.Sprint(o.body["masterKubeVersion"]), "(pending)") {
			csErr(c, http.StatusConflict, "E0233", "The master is updating. Wait until the master update completes, then update the worker nodes.")
			return
		}
		w := c.s.find("worker", c.str("workerID"))
		if w == nil || w.scope != o.id {
			csErr(c, http.StatusNotFound, "G0005", "The specified worker node could not be found.")
			return
		}
		w.gone = true
		c.s.newWorker(o, w.body["poolName"].(string), w.body["poolID"].(string), w.body["flavor"], w.body["location"].(string), true)
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodPost, base+"/network/v2/outbound-traffic-protection", func(c *call) {
		o := c.s.clusterByIDOrName(c.str("cluster"))
		if o == nil {
			csErr(c, http.StatusNotFound, "G0004", "The specified cluster could not be found.")
			return
		}
		switch c.str("operation") {
		case "enable-outbound-protection":
			o.body["_outboundTrafficProtection"] = true
		case "disable-outbound-protection":
			o.body["_outboundTrafficProtection"] = false
		default:
			csErr(c, http.StatusBadRequest, "E0001", "operation must be enable-outbound-protection or disable-outbound-protection")
			return
		}
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodPut, base+"/v1/clusters/{id}", func(c *call) {
		o := cluster(c, "")
		if o == nil {
			return
		}
		if c.str("action") != "update" {
			csErr(c, http.StatusBadRequest, "E0001", "unknown action "+c.str("action"))
			return
		}
		// The master updates asynchronously: masterKubeVersion says
		// "(pending)" until it is done (Terraform's vpcClusterVersionRefreshFunc
		// waits on that); the cluster state stays normal.
		// The workers keep the version they run until they are replaced.
		c.s.syncWorkers(o)
		target := c.str("version") + ".1_1500"
		o.body["masterKubeVersion"] = target + " (pending)"
		o.timeline = append(o.timeline, func(b map[string]any) {}, func(b map[string]any) { b["masterKubeVersion"] = target })
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodDelete, base+"/v1/clusters/{id}", func(c *call) {
		if o := cluster(c, ""); o != nil {
			c.s.remove(o, "deleting")
			// The VPC load balancers the cluster's LoadBalancer Services made
			// (kube-<clusterID>-*) are deleted after the cluster, and hold their
			// subnets until then (terraform-provider-ibm waits for them:
			// isWaitForLBDeleted).
			for _, wp := range c.s.objs {
				if wp.kind != "worker_pool" || wp.gone || wp.scope != o.id {
					continue
				}
				var subnets []any
				for _, z := range wp.body["zones"].([]any) {
					for _, sn := range z.(map[string]any)["subnets"].([]any) {
						subnets = append(subnets, ref(fmt.Sprint(sn.(map[string]any)["id"])))
					}
				}
				lb := c.s.newID("r006-load_balancer")
				region, _ := o.body["region"].(string)
				lo := c.s.put("load_balancer", lb, region, map[string]any{"id": lb, "name": "kube-" + o.id + "-ingress",
					"subnets": subnets, "is_public": true}, "provisioning_status", "delete_pending")
				lo.deleting, lo.ttl = true, 6
				wp.gone = true
				break
			}
			c.w.WriteHeader(http.StatusNoContent)
		}
	})
	s.handle(http.MethodPost, base+"/v2/enableKMS", func(c *call) {
		o := c.s.find("cluster", c.str("cluster"))
		if o == nil {
			csErr(c, http.StatusNotFound, "G0004", "The specified cluster could not be found.")
			return
		}
		if c.str("crk_id") == "" || c.str("instance_id") == "" {
			csErr(c, http.StatusBadRequest, "E0240", "crk_id and instance_id are required.")
			return
		}
		// Enabling KMS redeploys the master: masterStatus goes Deploy
		// requested -> Deploy in progress -> Ready, and keyProtectEnabled
		// turns true only at the end; the cluster state stays normal
		// (IBM-Cloud/terraform-provider-ibm@v2.5.0
		// resource_ibm_container_vpc_cluster.go:1347-1380).
		// Enabling it again with another root key rotates to that key: the
		// master redeploys while encryption stays on (IBM Cloud docs, "Encrypting
		// the Kubernetes secrets by using a KMS provider": run kms enable
		// again with the new root key).
		id := o.id
		was, _ := dig(o.body, "features.keyProtectEnabled").(bool)
		o.body["_crk"] = c.str("crk_id")
		master := func(status, state string, enabled bool) func(map[string]any) {
			return func(b map[string]any) {
				lc, _ := b["lifecycle"].(map[string]any)
				lc["masterStatus"], lc["masterState"] = status, state
				b["features"] = map[string]any{"keyProtectEnabled": enabled || was}
				c.s.note(id, "master:"+status)
			}
		}
		master("Deploy requested", "deploying", false)(o.body)
		o.timeline = append(o.timeline, master("Deploy in progress", "deploying", false), master("Ready", "deployed", true))
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// The Transit Gateway API, under /transit/v1.
func (s *Server) transitRoutes() {
	const base = "/transit/v1/transit_gateways"
	s.handle(http.MethodPost, base, func(c *call) {
		if c.s.nameTaken("transit_gateway", "", "name", c.str("name")) {
			c.fail(http.StatusConflict, "transit_gateway_name_exists", "a transit gateway named "+c.str("name")+" exists", "name")
			return
		}
		id := c.s.newID("tgw") + "-0000-4000-8000-000000000000"
		global, _ := c.body["global"].(bool)
		o := c.s.put("transit_gateway", id, "", map[string]any{"id": id, "name": c.str("name"), "location": c.str("location"),
			"global": global, "crn": "crn:v1:bluemix:public:transit:" + c.str("location") + ":a/" + Account + "::gateway:" + id,
			"resource_group": ref(c.str("resource_group.id")), "created_at": now()}, "status", "pending", "available")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, base, func(c *call) {
		c.json(http.StatusOK, map[string]any{"transit_gateways": c.s.list("transit_gateway", "", nil), "limit": 50})
	})
	s.handle(http.MethodGet, base+"/{id}", func(c *call) {
		if o := c.s.find("transit_gateway", c.params["id"]); o != nil {
			c.json(http.StatusOK, c.s.read(o))
			return
		}
		c.notFound("transit gateway")
	})
	s.handle(http.MethodPatch, base+"/{id}", func(c *call) {
		o := c.item("transit_gateway", "", func() { c.notFound("transit gateway") })
		if o == nil {
			return
		}
		c.copy(o, "name", "global")
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, base+"/{id}", func(c *call) {
		o := c.item("transit_gateway", "", func() { c.notFound("transit gateway") })
		if o == nil {
			return
		}
		if len(c.s.list("transit_connection", o.id, nil)) > 0 {
			c.fail(http.StatusConflict, "transit_gateway_has_connections", "delete the gateway's connections first", "id")
			return
		}
		c.s.remove(o, "deleting")
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodPost, base+"/{gw}/connections", func(c *call) {
		if c.s.find("transit_gateway", c.params["gw"]) == nil {
			c.notFound("transit gateway")
			return
		}
		if c.str("network_type") == "vpc" && !strings.HasPrefix(c.str("network_id"), "crn:v1:") {
			c.fail(http.StatusBadRequest, "invalid_network_id", "a vpc connection's network_id must be the VPC's CRN", "network_id")
			return
		}
		if c.s.nameTaken("transit_connection", c.params["gw"], "name", c.str("name")) {
			c.fail(http.StatusConflict, "connection_name_exists", "a connection named "+c.str("name")+" exists", "name")
			return
		}
		id := c.s.newID("conn") + "-0000-4000-8000-000000000000"
		body := map[string]any{"id": id, "name": c.str("name"), "network_type": c.str("network_type"), "created_at": now(),
			"request_status": "approved"}
		if n := c.str("network_id"); n != "" {
			body["network_id"] = n
		}
		o := c.s.put("transit_connection", id, c.params["gw"], body, "status", "pending", "attached")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, base+"/{gw}/connections", func(c *call) {
		c.json(http.StatusOK, map[string]any{"connections": c.s.list("transit_connection", c.params["gw"], nil), "limit": 50})
	})
	s.handle(http.MethodGet, base+"/{gw}/connections/{id}", func(c *call) {
		if o := c.s.find("transit_connection", c.params["id"]); o != nil && o.scope == c.params["gw"] {
			c.json(http.StatusOK, c.s.read(o))
			return
		}
		c.notFound("connection")
	})
	s.handle(http.MethodPatch, base+"/{gw}/connections/{id}", func(c *call) {
		o := c.item("transit_connection", "", func() { c.notFound("connection") })
		if o == nil {
			return
		}
		if n := c.str("name"); n != "" {
			o.body["name"] = n
		}
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, base+"/{gw}/connections/{id}", func(c *call) {
		o := c.item("transit_connection", "", func() { c.notFound("connection") })
		if o == nil {
			return
		}
		c.s.remove(o, "deleting")
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// The CIS API, under /cis. Answers come in CIS's envelope.
func (s *Server) cisRoutes() {
	ok := func(c *call, status int, result any) {
		c.json(status, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result})
	}
	cisErr := func(c *call, status, code int, msg string) {
		c.json(status, map[string]any{"success": false, "errors": []any{map[string]any{"code": code, "message": msg}}, "messages": []any{}, "result": nil})
	}
	instance := func(c *call) bool {
		if o := c.s.find("resource_instance", c.params["crn"]); o != nil && strings.Contains(o.id, ":internet-svcs:") {
			return true
		}
		cisErr(c, http.StatusNotFound, 1001, "no CIS instance "+c.params["crn"])
		return false
	}
	type coll struct {
		kind, path, scopeParam string
		build                  func(c *call, id string) (map[string]any, bool)
		status                 []string
		// valid, when set, refuses a create or update body as CIS does.
		valid func(c *call) bool
	}
	for _, cl := range []coll{
		{kind: "cis_zone", path: "/cis/v1/{crn}/zones", status: []string{"pending"}, build: func(c *call, id string) (map[string]any, bool) {
			if !strings.Contains(c.str("name"), ".") {
				cisErr(c, http.StatusBadRequest, 1049, c.str("name")+" is not a registered domain")
				return nil, false
			}
			typ := c.str("type")
			if typ == "" {
				typ = "full"
			}
			return map[string]any{"name": c.str("name"), "type": typ, "paused": false,
				"name_servers": []string{"ns1.fake-cis.invalid", "ns2.fake-cis.invalid"}, "original_name_servers": []string{}}, true
		}},
		{kind: "cis_monitor", path: "/cis/v1/{crn}/load_balancers/monitors", valid: func(c *call) bool {
			// CIS health checks run at most once a minute below the
			// Enterprise plans (IBM Cloud docs, CIS "Setting health check
			// intervals"; Cloudflare's monitors: interval default 60), and at
			// least once an hour; the fake's instances are standard-next.
			if v, ok := c.body["interval"].(float64); ok && (v < 60 || v > 3600) {
				cisErr(c, http.StatusBadRequest, 1002, fmt.Sprintf("interval %v must be between 60 and 3600 seconds on this plan", v))
				return false
			}
			return true
		}, build: func(c *call, id string) (map[string]any, bool) {
			b := clone(c.body)
			if b["type"] == nil {
				b["type"] = "http"
			}
			return b, true
		}},
		{kind: "cis_pool", path: "/cis/v1/{crn}/load_balancers/pools", build: func(c *call, id string) (map[string]any, bool) {
			if m, _ := c.body["monitor"].(string); m != "" && c.s.find("cis_monitor", m) == nil {
				cisErr(c, http.StatusBadRequest, 1002, "monitor "+m+" not found")
				return nil, false
			}
			b := clone(c.body)
			b["healthy"] = true
			return b, true
		}},
		{kind: "cis_glb", path: "/cis/v1/{crn}/zones/{zone}/load_balancers", scopeParam: "zone", build: func(c *call, id string) (map[string]any, bool) {
			if c.s.find("cis_zone", c.params["zone"]) == nil {
				cisErr(c, http.StatusNotFound, 1001, "zone "+c.params["zone"]+" not found")
				return nil, false
			}
			pools, _ := c.body["default_pools"].([]any)
			for _, p := range append(pools, c.body["fallback_pool"]) {
				if c.s.find("cis_pool", fmt.Sprint(p)) == nil {
					cisErr(c, http.StatusBadRequest, 1002, fmt.Sprintf("pool %v not found", p))
					return nil, false
				}
			}
			b := clone(c.body)
			if b["ttl"] == nil {
				b["ttl"] = 30
			}
			return b, true
		}},
	} {
		cl := cl
		scope := func(c *call) string {
			if cl.scopeParam != "" {
				return c.params[cl.scopeParam]
			}
			return c.params["crn"]
		}
		s.handle(http.MethodPost, cl.path, func(c *call) {
			if !instance(c) {
				return
			}
			if n, _ := c.body["name"].(string); n != "" && c.s.nameTaken(cl.kind, scope(c), "name", n) {
				cisErr(c, http.StatusBadRequest, 1061, n+" already exists")
				return
			}
			if cl.valid != nil && !cl.valid(c) {
				return
			}
			id := strings.ReplaceAll(c.s.newID(strings.TrimPrefix(cl.kind, "cis_")), "-", "")
			b, good := cl.build(c, id)
			if !good {
				return
			}
			b["id"], b["created_on"], b["modified_on"] = id, now(), now()
			field := ""
			if len(cl.status) > 0 {
				field = "status"
			}
			o := c.s.put(cl.kind, id, scope(c), b, field, cl.status...)
			ok(c, http.StatusOK, clone(o.body))
		})
		s.handle(http.MethodGet, cl.path, func(c *call) {
			if !instance(c) {
				return
			}
			items := c.s.list(cl.kind, scope(c), nil)
			c.json(http.StatusOK, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": items,
				"result_info": map[string]any{"page": 1, "per_page": 50, "count": len(items), "total_count": len(items)}})
		})
		item := cl.path + "/{id}"
		s.handle(http.MethodGet, item, func(c *call) {
			o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
			if o == nil {
				return
			}
			ok(c, http.StatusOK, c.s.read(o))
		})
		for _, m := range []string{http.MethodPut, http.MethodPatch} {
			s.handle(m, item, func(c *call) {
				o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
				if o == nil || (cl.valid != nil && !cl.valid(c)) {
					return
				}
				for k, v := range c.body {
					o.body[k] = v
				}
				o.body["modified_on"] = now()
				ok(c, http.StatusOK, clone(o.body))
			})
		}
		s.handle(http.MethodDelete, item, func(c *call) {
			o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
			if o == nil {
				return
			}
			o.gone = true
			ok(c, http.StatusOK, map[string]any{"id": o.id})
		})
	}
}

// Key Protect, under /kms/{region}. Destroyed keys answer 410 Gone.
func (s *Server) kmsRoutes() {
	const mime = "application/vnd.ibm.kms.key+json"
	envelope := func(c *call, status int, keys []any) {
		c.w.Header().Set("Content-Type", mime)
		c.w.WriteHeader(status)
		writeBody(c.w, map[string]any{"metadata": map[string]any{"collectionType": mime, "collectionTotal": len(keys)}, "resources": keys})
	}
	instance := func(c *call) string {
		inst := c.r.Header.Get("bluemix-instance")
		if inst == "" {
			kpErr(c, http.StatusBadRequest, "BAD_HEADER", "the bluemix-instance header is required")
		}
		return inst
	}
	s.handle(http.MethodPost, "/kms/{region}/api/v2/keys", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		res, _ := c.body["resources"].([]any)
		if len(res) != 1 {
			kpErr(c, http.StatusBadRequest, "BAD_BODY_ERR", "resources must hold one key")
			return
		}
		k := res[0].(map[string]any)
		name, _ := k["name"].(string)
		if len(name) < 2 {
			kpErr(c, http.StatusBadRequest, "BAD_BODY_ERR", "key names are 2 to 90 characters")
			return
		}
		id := c.s.newID("key") + "-0000-4000-8000-000000000000"
		extractable, _ := k["extractable"].(bool)
		o := c.s.put("kms_key", id, inst, map[string]any{"id": id, "name": name, "type": mime, "extractable": extractable,
			"state": 1, "crn": fmt.Sprintf("crn:v1:bluemix:public:kms:%s:a/%s:%s:key:%s", c.params["region"], Account, inst, id),
			"creationDate": now(), "deleted": false}, "")
		envelope(c, http.StatusCreated, []any{clone(o.body)})
	})
	s.handle(http.MethodGet, "/kms/{region}/api/v2/keys", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		envelope(c, http.StatusOK, c.s.list("kms_key", inst, nil))
	})
	s.handle(http.MethodGet, "/kms/{region}/api/v2/keys/{id}", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		o, exists := c.s.objs["kms_key/"+c.params["id"]]
		switch {
		case !exists || o.scope != inst:
			kpErr(c, http.StatusNotFound, "KEY_NOT_FOUND_ERR", "Key does not exist")
		case o.gone:
			kpErr(c, http.StatusGone, "KEY_DELETED_ERR", "The key has been deleted")
		default:
			envelope(c, http.StatusOK, []any{c.s.read(o)})
		}
	})
	s.handle(http.MethodDelete, "/kms/{region}/api/v2/keys/{id}", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		o := c.item("kms_key", inst, func() { kpErr(c, http.StatusNotFound, "KEY_NOT_FOUND_ERR", "Key does not exist") })
		if o == nil {
			return
		}
		o.gone = true
		o.body["state"], o.body["deleted"] = 5, true
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// kpErr answers in Key Protect's error shape (IBM/keyprotect-go-client
// kp.go: Error{errorMsg, reasons[{code, message, status, moreInfo}]} in a
// collection of type application/vnd.ibm.kms.error+json), with its trace in
// the Correlation-Id header.
func kpErr(c *call, status int, code, msg string) {
	const mime = "application/vnd.ibm.kms.error+json"
	c.w.Header().Set("Content-Type", mime)
	c.w.Header().Set("Correlation-Id", "fake-correlation-0001")
	c.w.WriteHeader(status)
	writeBody(c.w, map[string]any{"metadata": map[string]any{"collectionType": mime, "collectionTotal": 1},
		"resources": []any{map[string]any{"errorMsg": http.StatusText(status) + ": " + msg,
			"reasons": []any{map[string]any{"code": code, "message": msg, "status": status,
				"moreInfo": "https://cloud.ibm.com/apidocs/key-protect"}}}}})
}

// clusterByIDOrName is the live cluster with the id or name, or nil.
func (s *Server) clusterByIDOrName(idOrName string) *object {
	if o := s.find("cluster", idOrName); o != nil {
		return o
	}
	for _, o := range s.objs {
		if o.kind == "cluster" && !o.gone && o.body["name"] == idOrName {
			return o
		}
	}
	return nil
}

// masterVersion is the version the master runs, "1.35.2_1530", without the
// "(pending)" of an update under way.
func masterVersion(cl *object) string {
	v := fmt.Sprint(cl.body["masterKubeVersion"])
	return strings.TrimSpace(strings.TrimSuffix(v, "(pending)"))
}

// liveWorkers are a cluster's workers, by id.
func (s *Server) liveWorkers(cluster string) []*object {
	var out []*object
	for _, o := range s.objs {
		if o.kind == "worker" && !o.gone && o.scope == cluster {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// newWorker deploys a worker of a pool in a zone at the master's version;
// a replacement provisions before it is deployed.
func (s *Server) newWorker(cl *object, pool, poolID string, flavor any, zone string, replacement bool) {
	id := "kube-" + cl.id[:8] + "-" + strings.ReplaceAll(s.newID("w"), "-", "")
	states := []string{"deployed"}
	if replacement {
		states = []string{"provisioning", "deploying", "deployed"}
	}
	v := masterVersion(cl)
	s.put("worker", id, cl.id, map[string]any{"id": id, "poolName": pool, "poolID": poolID, "flavor": flavor, "location": zone,
		"kubeVersion": map[string]any{"actual": v, "desired": v, "target": v},
		"health":      map[string]any{"state": "normal"}}, "_state", states...)
}

// syncWorkers gives every zone of every pool of the cluster its workerCount
// workers: what IKS does after a create, a resize or a new zone.
func (s *Server) syncWorkers(cl *object) {
	have := map[string][]*object{}
	for _, w := range s.liveWorkers(cl.id) {
		k := fmt.Sprint(w.body["poolID"]) + "/" + fmt.Sprint(w.body["location"])
		have[k] = append(have[k], w)
	}
	want := map[string]bool{}
	for _, p := range s.list("worker_pool", cl.id, nil) {
		pool := p.(map[string]any)
		n := 0
		fmt.Sscan(fmt.Sprint(pool["workerCount"]), &n)
		zones, _ := pool["zones"].([]any)
		for _, z := range zones {
			zone := fmt.Sprint(z.(map[string]any)["id"])
			k := fmt.Sprint(pool["id"]) + "/" + zone
			want[k] = true
			for i := len(have[k]); i < n; i++ {
				s.newWorker(cl, fmt.Sprint(pool["poolName"]), fmt.Sprint(pool["id"]), pool["flavor"], zone, false)
			}
			for i := n; i < len(have[k]); i++ {
				have[k][i].gone = true
			}
		}
	}
	for k, ws := range have {
		if !want[k] {
			for _, w := range ws {
				w.gone = true
			}
		}
	}
}
