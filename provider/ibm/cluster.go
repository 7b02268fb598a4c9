package ibm

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/vpc-go-sdk/vpcv1"
)

// The Kubernetes Service types. IBM publishes no Go SDK for it among the
// pinned modules, so these call its REST API (containers.cloud.ibm.com,
// https://containers.cloud.ibm.com/global/swagger-global-api) with
// go-sdk-core.
const (
	vpcClusterType = "infra:ibm:VpcCluster"
	clusterKmsType = "infra:ibm:ClusterKms"
)

// defaultPool is the worker pool createCluster makes.
const defaultPool = "default"

// clusterWire is a cluster as GET /v2/vpc/getCluster answers.
type clusterWire struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Region            string `json:"region"`
	ResourceGroup     string `json:"resourceGroup"`
	State             string `json:"state"`
	MasterKubeVersion string `json:"masterKubeVersion"`
	CRN               string `json:"crn"`
	MasterURL         string `json:"masterURL"`
	Ingress           struct {
		Hostname string `json:"hostname"`
	} `json:"ingress"`
	ServiceEndpoints struct {
		PrivateServiceEndpointEnabled bool   `json:"privateServiceEndpointEnabled"`
		PrivateServiceEndpointURL     string `json:"privateServiceEndpointURL"`
		PublicServiceEndpointEnabled  bool   `json:"publicServiceEndpointEnabled"`
		PublicServiceEndpointURL      string `json:"publicServiceEndpointURL"`
	} `json:"serviceEndpoints"`
	Features struct {
		KeyProtectEnabled bool `json:"keyProtectEnabled"`
	} `json:"features"`
	// Lifecycle is the master's deployment (bluemix-go containerv2
	// clusters.go:116-121): masterStatus goes Deploy requested, Deploy in
	// progress, Ready while the master redeploys (enabling KMS, say).
	Lifecycle struct {
		MasterStatus string `json:"masterStatus"`
		MasterState  string `json:"masterState"`
	} `json:"lifecycle"`
}

// masterPending says whether a master version update is under way: the
// version reads "… (pending)" until it is done (terraform-provider-ibm
// vpcClusterVersionRefreshFunc).
func (cl *clusterWire) masterPending() bool {
	return strings.Contains(cl.MasterKubeVersion, "(pending)")
}

// workerPoolWire is a worker pool as GET /v2/vpc/getWorkerPools answers.
type workerPoolWire struct {
	ID          string `json:"id"`
	PoolName    string `json:"poolName"`
	Flavor      string `json:"flavor"`
	VpcID       string `json:"vpcID"`
	WorkerCount int64  `json:"workerCount"`
	Zones       []struct {
		ID      string `json:"id"`
		Subnets []struct {
			ID string `json:"id"`
		} `json:"subnets"`
	} `json:"zones"`
}

func (o *op) containers() (*core.BaseService, error) { return o.c.rest(o.c.cfg.Endpoints.Containers) }

// containersFor is the Kubernetes Service client as bind takes it.
func containersFor(o *op, _ props) (*core.BaseService, error) { return o.containers() }

// cluster reads a cluster; nil when there is none by that id or name.
func (o *op) cluster(ctx context.Context, id string) (*clusterWire, error) {
	svc, err := o.containers()
	if err != nil {
		return nil, err
	}
	var cl clusterWire
	resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/v2/vpc/getCluster", query: map[string]string{"cluster": id}}, &cl)
	if gone, err := o.gone(resp, err); gone || err != nil {
		return nil, err
	}
	return &cl, nil
}

// kubeMinor is the major.minor of a version such as 1.35.2_1530.
func kubeMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + strings.SplitN(parts[1], "_", 2)[0]
}

func clusterKinds() []*kind { return []*kind{vpcClusterKind(), clusterKmsKind()} }

func vpcClusterKind() *kind {
	k := vpcClusterCalls()
	// Once the master runs a new version, the workers follow, one at a time
	// (see updateWorkers). On a create every worker already runs the
	// master's version, so this only reads the workers.
	k.afterReady = func(ctx context.Context, o *op, id string, in props) error { return o.updateWorkers(ctx, id) }
	return k
}

// workerWire is a worker node as GET /v2/vpc/getWorkers answers (bluemix-go
// containerv2 workers.go Worker).
type workerWire struct {
	ID          string `json:"id"`
	PoolName    string `json:"poolName"`
	Location    string `json:"location"`
	KubeVersion struct {
		Actual string `json:"actual"`
	} `json:"kubeVersion"`
	Lifecycle struct {
		ActualState string `json:"actualState"`
	} `json:"lifecycle"`
}

// updateWorkers brings every worker to the master's major.minor after a
// master update: one worker at a time, POST /v2/vpc/replaceWorker with
// update=true (bluemix-go containerv2 workers.go ReplaceWokerNode), then a
// wait until the replacement is deployed, so that the cluster never loses
// more than one worker at once. That is what terraform-provider-ibm does
// with update_all_workers after vpcClusterVersionRefreshFunc saw the
// master's "(pending)" clear; IKS refuses worker updates while the master
// is updating, and supports workers only a limited number of minor
// versions behind the master.
func (o *op) updateWorkers(ctx context.Context, id string) error {
	svc, err := o.containers()
	if err != nil {
		return err
	}
	deadline := o.c.clock.Now().Add(o.k.deadline())
	for n := 0; ; n++ {
		cl, err := o.cluster(ctx, id)
		if err != nil || cl == nil {
			return err
		}
		var workers []workerWire
		resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/v2/vpc/getWorkers",
			query: map[string]string{"cluster": id, "showDeleted": "false"}}, &workers)
		if err != nil {
			return o.apiError("list the workers of", err, resp)
		}
		master := kubeMinor(cl.MasterKubeVersion)
		busy, next := false, ""
		sort.Slice(workers, func(i, j int) bool { return workers[i].ID < workers[j].ID })
		for _, w := range workers {
			switch {
			case w.Lifecycle.ActualState != "deployed":
				busy = true
			case next == "" && kubeMinor(w.KubeVersion.Actual) != master:
				next = w.ID
			}
		}
		switch {
		case cl.masterPending() || busy:
			// Wait for the master, or for the worker being replaced.
		case next == "":
			return nil
		default:
			resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/v2/vpc/replaceWorker",
				body: map[string]any{"cluster": id, "workerID": next, "update": true}}, nil)
			if err != nil && !conflict(o.apiError("", err, resp)) {
				return o.apiError("update worker "+next+" of", err, resp)
			}
		}
		if !o.c.clock.Now().Before(deadline) {
			return &Error{Op: "update the workers of", Type: o.k.token, Name: o.name,
				Message: fmt.Sprintf("workers not at the master's version %s after %s", master, o.k.deadline())}
		}
		if err := o.c.clock.Sleep(ctx, o.c.cfg.Poll.delay(min(n, 4), o.c.jitter)); err != nil {
			return err
		}
	}
}

func vpcClusterCalls() *kind {
	return bind(&kind{
		token:    vpcClusterType,
		required: []string{"name", "region", "resourceGroup", "kubeVersion", "vpcId", "flavor", "workerCount", "zoneSubnets"},
		// The API renames nothing and moves no cluster to another VPC. Zones
		// and flavor change in place through worker pools (see update): a
		// replacement would delete the cluster and its workloads
		// (../shared/reference/provider-rules.json ibm.VpcCluster.appliedOnceOnly:
		// the default pool is managed apart from the cluster).
		replace:  []string{"name", "region", "resourceGroup", "vpcId", "disablePublicServiceEndpoint"},
		computed: []string{"crn", "state", "masterUrl", "privateServiceEndpointUrl", "ingressHostname", "kubeconfig", "securityGroup"},
		secret:   []string{"kubeconfig"},
		fields: map[string]string{"workerPool.flavor": "flavor", "workerPool.vpcID": "vpcId", "workerPool.workerCount": "workerCount",
			"workerPool.zones": "zoneSubnets", "kubeVersion": "kubeVersion"},
		check: func(in props) []CheckFailure {
			if in.has("workerCount") && in.integer("workerCount") < 1 {
				return []CheckFailure{{"workerCount", "workerCount must be at least 1 per zone"}}
			}
			return nil
		},
		uniqueName: true, tagged: true, timeout: 90 * time.Minute,
	}, containersFor, calls[*core.BaseService]{
		find: func(ctx context.Context, o *op, svc *core.BaseService, in props) (string, error) {
			var list []clusterWire
			resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/v2/vpc/getClusters", query: map[string]string{"provider": "vpc-gen2"}}, &list)
			if err != nil {
				return "", o.apiError("list clusters for", err, resp)
			}
			for _, cl := range list {
				if cl.Name == in.str("name") {
					return cl.ID, nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, svc *core.BaseService, in props) (string, error) {
			rg, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
			if err != nil {
				return "", err
			}
			subnets := in.strMap("zoneSubnets")
			zones := slices.Sorted(maps.Keys(subnets))
			var poolZones []map[string]string
			for _, z := range zones {
				poolZones = append(poolZones, map[string]string{"id": z, "subnetID": subnets[z]})
			}
			body := map[string]any{
				"name":                         in.str("name"),
				"kubeVersion":                  in.str("kubeVersion"),
				"provider":                     "vpc-gen2",
				"disablePublicServiceEndpoint": in.boolean("disablePublicServiceEndpoint"),
				// Clusters of 1.30 and later are "secure by default": workers
				// reach nothing public unless outbound traffic protection is
				// off (IBM Cloud docs "Understanding Secure by Default cluster
				// VPC networking"; terraform-provider-ibm
				// disable_outbound_traffic_protection, PR #5247).
				"disableOutboundTrafficProtection": in.boolean("disableOutboundTrafficProtection"),
				"workerPool": map[string]any{
					"name": defaultPool, "flavor": in.str("flavor"), "vpcID": in.str("vpcId"),
					"workerCount": in.integer("workerCount"), "zones": poolZones,
				},
			}
			var created struct {
				ClusterID string `json:"clusterID"`
			}
			resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/v2/vpc/createCluster", body: body,
				headers: map[string]string{"X-Auth-Resource-Group": rg}}, &created)
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return created.ClusterID, nil
		},
		read: func(ctx context.Context, o *op, _ *core.BaseService, id string, in props) (*state, error) {
			cl, err := o.cluster(ctx, id)
			if err != nil || cl == nil {
				return nil, err
			}
			if cl.State == "deleted" {
				return nil, nil
			}
			// The region the cluster reports: a create that landed it
			// elsewhere shows as drift.
			ins := pm("name", cl.Name, "region", cl.Region)
			if off := !cl.ServiceEndpoints.PublicServiceEndpointEnabled; off || in.has("disablePublicServiceEndpoint") {
				ins["disablePublicServiceEndpoint"] = val(off)
			}
			if !cl.masterPending() && kubeMinor(cl.MasterKubeVersion) != kubeMinor(in.str("kubeVersion")) {
				ins["kubeVersion"] = val(kubeMinor(cl.MasterKubeVersion))
			}
			pool, err := o.workerPool(ctx, id)
			if err != nil {
				return nil, err
			}
			if pool != nil {
				ins["flavor"] = val(pool.Flavor)
				ins["vpcId"] = val(pool.VpcID)
				ins["workerCount"] = val(pool.WorkerCount)
				zs := map[string]string{}
				for _, z := range pool.Zones {
					if len(z.Subnets) > 0 {
						zs[z.ID] = z.Subnets[0].ID
					}
				}
				ins["zoneSubnets"] = val(zs)
			}
			masterURL := cl.MasterURL
			if masterURL == "" {
				masterURL = cl.ServiceEndpoints.PublicServiceEndpointURL
			}
			outs := pm("crn", cl.CRN, "state", cl.State, "masterUrl", masterURL,
				"privateServiceEndpointUrl", cl.ServiceEndpoints.PrivateServiceEndpointURL, "ingressHostname", cl.Ingress.Hostname)
			vpcID := in.str("vpcId")
			if pool != nil {
				vpcID = pool.VpcID
			}
			sg, err := o.clusterSecurityGroup(ctx, cl.Region, vpcID, id)
			if err != nil {
				return nil, err
			}
			outs["securityGroup"] = val(sg)
			// A cluster in warning serves; its workers may still be updating.
			st := statusState(ins, outs, cl.State, []string{"normal", "warning"}, []string{"deploy_failed", "delete_failed"})
			if st.ready && sg == "" {
				st.ready, st.status = false, "waiting for its security group kube-"+id
			}
			if cl.masterPending() {
				st.ready, st.status = false, "master update to "+cl.MasterKubeVersion
			}
			// The admin kubeconfig, once the master serves (see
			// clusterConfig).
			if st.ready {
				if st.outputs["kubeconfig"], err = o.clusterConfigOutput(ctx, id); err != nil {
					return nil, err
				}
			}
			return st, nil
		},
		update: func(ctx context.Context, o *op, svc *core.BaseService, id string, olds, news props) error {
			if err := o.updatePool(ctx, svc, id, olds, news); err != nil {
				return err
			}
			if d := news.boolean("disableOutboundTrafficProtection"); d != olds.boolean("disableOutboundTrafficProtection") {
				// In place (bluemix-go containerv2 vpcs.go
				// SetOutboundTrafficProtection: POST
				// /network/v2/outbound-traffic-protection {cluster, operation}).
				op := "enable-outbound-protection"
				if d {
					op = "disable-outbound-protection"
				}
				resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/network/v2/outbound-traffic-protection",
					body: map[string]any{"cluster": id, "operation": op}}, nil)
				if err != nil {
					return o.apiError("set the outbound traffic protection of", err, resp)
				}
			}
			if v := news.str("kubeVersion"); kubeMinor(v) != kubeMinor(olds.str("kubeVersion")) {
				resp, err := o.rest(ctx, svc, request{method: http.MethodPut, path: "/v1/clusters/" + id,
					body: map[string]any{"action": "update", "version": v}}, nil)
				if err != nil {
					return o.apiError("update the master version of", err, resp)
				}
			}
			if n := news.integer("workerCount"); n != olds.integer("workerCount") && news.str("flavor") == olds.str("flavor") {
				pool, err := o.workerPool(ctx, id)
				if err != nil {
					return err
				}
				name := defaultPool
				if pool != nil {
					name = pool.PoolName
				}
				resp, err := o.rest(idempotent(ctx), svc, request{method: http.MethodPost, path: "/v2/resizeWorkerPool",
					body: map[string]any{"cluster": id, "workerpool": name, "size": n}}, nil)
				if err != nil {
					return o.apiError("resize the worker pool of", err, resp)
				}
			}
			return nil
		},
		del: func(ctx context.Context, o *op, svc *core.BaseService, id string, in props) error {
			// deleteResources=false: the cluster's persistent volumes outlive
			// it. A topology change must never take data with it (bluemix-go
			// containerv1 Delete(..., deleteDependencies) -> deleteResources).
			return o.deleted(o.rest(ctx, svc, request{method: http.MethodDelete, path: "/v1/clusters/" + id,
				query: map[string]string{"deleteResources": "false"}}, nil))
		},
	})
}

// enableKMS asks IKS to encrypt the cluster's secrets with the root key
// (POST /v2/enableKMS, bluemix-go containerv2 kms.go KmsEnableReq).
func (o *op) enableKMS(ctx context.Context, in props) error {
	svc, err := o.containers()
	if err != nil {
		return err
	}
	acct, err := o.c.accountID()
	if err != nil {
		return err
	}
	body := map[string]any{"cluster": in.str("cluster"), "instance_id": in.str("instance"), "crk_id": in.str("rootKey"),
		"private_endpoint": in.boolean("privateEndpoint"), "account_id": acct}
	resp, err := o.rest(idempotent(ctx), svc, request{method: http.MethodPost, path: "/v2/enableKMS", body: body}, nil)
	return o.apiError("enable Key Protect on", err, resp)
}

func clusterKmsKind() *kind {
	return &kind{
		token:    clusterKmsType,
		required: []string{"cluster", "region", "instance", "rootKey", "privateEndpoint"},
		fields:   map[string]string{"instance_id": "instance", "crk_id": "rootKey", "private_endpoint": "privateEndpoint"},
		// IBM cannot turn encryption off (delete leaves the cluster
		// encrypted, see del), and moves no encryption to another cluster;
		// another root key or instance is enableKMS again with it, which
		// rotates the cluster to that key in place (update).
		replace: []string{"cluster", "region"},
		timeout: 60 * time.Minute,
		find: func(ctx context.Context, o *op, in props) (string, error) {
			cl, err := o.cluster(ctx, in.str("cluster"))
			if err != nil || cl == nil || !cl.Features.KeyProtectEnabled {
				return "", err
			}
			return cl.ID, nil
		},
		create: func(ctx context.Context, o *op, in props) (string, error) {
			if err := o.enableKMS(ctx, in); err != nil {
				return "", err
			}
			return in.str("cluster"), nil
		},
		update: func(ctx context.Context, o *op, id string, olds, news props) error {
			if olds.str("instance") == news.str("instance") && olds.str("rootKey") == news.str("rootKey") &&
				olds.boolean("privateEndpoint") == news.boolean("privateEndpoint") {
				return nil
			}
			return o.enableKMS(ctx, news)
		},
		read: func(ctx context.Context, o *op, id string, in props) (*state, error) {
			cl, err := o.cluster(ctx, id)
			if err != nil || cl == nil || cl.State == "deleted" || cl.State == "deleting" {
				// Only a cluster that is gone takes its encryption with it.
				return nil, err
			}
			// Enablement is asynchronous and the cluster stays normal
			// throughout: the master redeploys (Deploy requested, Deploy in
			// progress, Ready) and keyProtectEnabled turns true at the end.
			// Until then it is pending, never gone
			// (terraform-provider-ibm@v2.5.0 resource_ibm_container_vpc_cluster.go:1347-1380,
			// waitForVpcClusterMasterKMSApply).
			lc := cl.Lifecycle
			if !cl.Features.KeyProtectEnabled {
				status := "Key Protect not enabled yet"
				if lc.MasterStatus != "" {
					status += " (master: " + lc.MasterStatus + ")"
				}
				return &state{inputs: pm("cluster", cl.ID), status: status}, nil
			}
			if lc.MasterStatus != "" && (lc.MasterStatus != "Ready" || lc.MasterState != "deployed") {
				return &state{inputs: pm("cluster", cl.ID), status: "master " + lc.MasterStatus + " (" + lc.MasterState + ")"}, nil
			}
			return readyState(pm("cluster", cl.ID), nil), nil
		},
		forget: true,
		del: func(context.Context, *op, string, props) error {
			// Kubernetes Service has no call to turn KMS encryption off:
			// forgetting it is all infra can do. The cluster stays encrypted.
			return nil
		},
	}
}

// clusterSecurityGroup is the id of the security group IKS makes for the
// cluster's workers in its VPC, kube-<clusterID> ("" until it exists). The
// workers run in IBM's service account, so this group is the only one they
// carry and the only place to admit traffic to them (IBM doc "Understanding
// VPC security groups": "you can't create a security group and apply it to
// your worker node instances. You can only modify the existing security
// group"; https://cloud.ibm.com/docs/containers?topic=containers-vpc-security-group).
func (o *op) clusterSecurityGroup(ctx context.Context, region, vpcID, clusterID string) (string, error) {
	if region == "" || vpcID == "" {
		return "", nil
	}
	api, err := o.c.vpc(region)
	if err != nil {
		return "", err
	}
	p, err := api.NewSecurityGroupsPager(&vpcv1.ListSecurityGroupsOptions{VPCID: &vpcID})
	return findNamed(ctx, o, "list the security groups of", "kube-"+clusterID, p, err,
		func(g vpcv1.SecurityGroup) (*string, *string) { return g.Name, g.ID })
}
