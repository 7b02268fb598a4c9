package ibm

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

func (o *op) workerPool(ctx context.Context, cluster string) (*workerPoolWire, error) {
	svc, err := o.containers()
	if err != nil {
		return nil, err
	}
	var pools []workerPoolWire
	resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/v2/vpc/getWorkerPools", query: map[string]string{"cluster": cluster}}, &pools)
	if notFound(resp) {
		return nil, nil
	}
	if err != nil {
		return nil, o.apiError("read the worker pools of", err, resp)
	}
	// The pool infra manages: the one createCluster made, or the one a
	// flavor change replaced it with.
	sort.Slice(pools, func(i, j int) bool { return pools[i].PoolName < pools[j].PoolName })
	for i := range pools {
		if pools[i].PoolName == defaultPool {
			return &pools[i], nil
		}
	}
	if len(pools) > 0 {
		return &pools[0], nil
	}
	return nil, nil
}

// poolName is the worker pool of a flavor: a flavor change makes a new pool,
// since a pool's flavor is fixed (IKS names may hold letters, digits, '-').
func poolName(flavor string) string {
	return "pool-" + strings.NewReplacer(".", "-", "_", "-").Replace(flavor)
}

// updatePool changes the cluster's worker pool in place: a new flavor is a
// new pool over the new zones (createWorkerPool), after which the old one
// is deleted and its workers drained; a new zone is added to the pool
// (createWorkerPoolZone), a dropped one removed (containerv1 RemoveZone:
// DELETE /v1/clusters/{c}/workerpools/{p}/zones/{z}); a zone whose subnet
// changed is removed and added again.
func (o *op) updatePool(ctx context.Context, svc *core.BaseService, id string, olds, news props) error {
	oldZones, newZones := olds.strMap("zoneSubnets"), news.strMap("zoneSubnets")
	if news.str("flavor") == olds.str("flavor") && mapsEqual(oldZones, newZones) {
		return nil
	}
	pool, err := o.workerPool(ctx, id)
	if err != nil {
		return err
	}
	if pool == nil {
		return &Error{Op: "update", Type: o.k.token, Name: o.name, Message: "the cluster has no worker pool"}
	}
	zoneNames := slices.Sorted(maps.Keys(newZones))
	if f := news.str("flavor"); f != pool.Flavor {
		var zones []map[string]string
		for _, z := range zoneNames {
			zones = append(zones, map[string]string{"id": z, "subnetID": newZones[z]})
		}
		name := poolName(f)
		resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/v2/vpc/createWorkerPool", body: map[string]any{
			"cluster": id, "name": name, "flavor": f, "vpcID": news.str("vpcId"), "workerCount": news.integer("workerCount"), "zones": zones}}, nil)
		if err != nil && (resp == nil || resp.StatusCode != http.StatusConflict) {
			return o.apiError("add a worker pool of flavor "+f+" to", err, resp)
		}
		resp, err = o.rest(ctx, svc, request{method: http.MethodDelete, path: "/v1/clusters/" + id + "/workerpools/" + pool.PoolName}, nil)
		if err != nil && !notFound(resp) {
			return o.apiError("delete the old worker pool "+pool.PoolName+" of", err, resp)
		}
		return nil
	}
	have := map[string]string{}
	for _, z := range pool.Zones {
		if len(z.Subnets) > 0 {
			have[z.ID] = z.Subnets[0].ID
		}
	}
	for z, sub := range have {
		if newZones[z] == sub {
			continue
		}
		resp, err := o.rest(ctx, svc, request{method: http.MethodDelete, path: "/v1/clusters/" + id + "/workerpools/" + pool.PoolName + "/zones/" + z}, nil)
		if err != nil && !notFound(resp) {
			return o.apiError("remove zone "+z+" from", err, resp)
		}
	}
	for _, z := range zoneNames {
		if have[z] == newZones[z] {
			continue
		}
		resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/v2/vpc/createWorkerPoolZone", body: map[string]any{
			"cluster": id, "id": z, "subnetID": newZones[z], "workerPoolID": pool.ID}}, nil)
		if err != nil {
			return o.apiError("add zone "+z+" to", err, resp)
		}
	}
	return nil
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
