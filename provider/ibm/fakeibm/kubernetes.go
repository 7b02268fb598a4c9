package fakeibm

import (
	"fmt"
	"net/http"
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
		clo.creator = c.caller
		c.s.put("worker_pool", id+"-default", id, map[string]any{"id": id + "-default", "poolName": "default", "flavor": pool["flavor"],
			"vpcID": pool["vpcID"], "workerCount": pool["workerCount"], "zones": pz, "lifecycle": map[string]any{"actualState": "active"}}, "")
		c.s.syncWorkers(clo)
		// IKS makes the workers' security group kube-<clusterID> in the
		// cluster's VPC, and it is the only one the workers carry: they
		// live in IBM's service account, so no other group can be attached
		// to them (IBM doc "Understanding VPC security groups": "You can only
		// modify the existing security group").
		sg := c.s.newID("r006-security_group")
		c.s.put("security_group", sg, region, map[string]any{"id": sg, "name": "kube-" + id,
			"crn": c.s.crn("is", region, "security-group", sg), "vpc": ref(vpc.id),
			"resource_group": ref(rg), "rules": []any{}, "targets": []any{}}, "")
		// IKS makes the VPC load balancer of the cluster's public Ingress
		// ALBs, kube-<clusterID>-<service uid>, over the cluster's subnets,
		// and registers the Ingress subdomain for it (IBM doc "Ingress -
		// NGINX in IBM Cloud"; names as IBM-Cloud/cloud-provider-ibm
		// pkg/vpcctl/vpc_provider.go GenerateLoadBalancerName makes them).
		var subnets []any
		for _, z := range pz {
			for _, sn := range z.(map[string]any)["subnets"].([]any) {
				subnets = append(subnets, ref(fmt.Sprint(sn.(map[string]any)["id"])))
			}
		}
		lb := c.s.newID("r006-load_balancer")
		c.s.put("load_balancer", lb, region, map[string]any{"id": lb, "name": "kube-" + id + "-" + strings.ReplaceAll(lb, "-", ""),
			"subnets": subnets, "is_public": true, "hostname": lb[len(lb)-4:] + "-" + region + ".lb.appdomain.cloud",
			"resource_group": ref(rg)}, "provisioning_status", "active")
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
	// pathPool is the cluster and worker pool the path names ({id},
	// {pool}); the pool is nil, its error answered, when either is missing.
	pathPool := func(c *call) (*object, *object) {
		o := cluster(c, "")
		if o == nil {
			return nil, nil
		}
		return o, pool(c, o.id, c.params["pool"])
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
		_, wp := pathPool(c)
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
		o, wp := pathPool(c)
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
			// The cluster's security group goes with it, rules and all.
			for _, sg := range c.s.objs {
				if sg.kind == "security_group" && !sg.gone && sg.body["name"] == "kube-"+o.id {
					sg.gone = true
					for _, r := range c.s.objs {
						if r.kind == "security_group_rule" && strings.HasSuffix(r.scope, "/"+sg.id) {
							r.gone = true
						}
					}
				}
			}
			// The VPC load balancers the cluster's LoadBalancer Services made
			// (kube-<clusterID>-*) are deleted after the cluster, and hold their
			// subnets until then (terraform-provider-ibm waits for them:
			// isWaitForLBDeleted).
			for _, lo := range c.s.objs {
				if lo.kind == "load_balancer" && !lo.gone && strings.HasPrefix(fmt.Sprint(lo.body["name"]), "kube-"+o.id+"-") {
					lo.states, lo.body["provisioning_status"] = []string{"delete_pending"}, "delete_pending"
					lo.deleting, lo.ttl = true, 6
				}
			}
			for _, wp := range c.s.objs {
				if wp.kind == "worker_pool" && !wp.gone && wp.scope == o.id {
					wp.gone = true
				}
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
