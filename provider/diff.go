package provider

import (
	"maps"
	"slices"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DiffInputs compares two input maps key by key, the way Pulumi's detailed
// diff reports them: an input that appears is an ADD, one that goes a
// DELETE, a changed one an UPDATE, each the _REPLACE kind when replace says
// so. A new value that is unknown counts as a change, since it may well be
// one. The simulator and infra's local types share it.
func DiffInputs(olds, news resource.PropertyMap, replace func(name string) bool) *pulumirpc.DiffResponse {
	keys := map[string]bool{}
	for k := range olds {
		keys[string(k)] = true
	}
	for k := range news {
		keys[string(k)] = true
	}
	sorted := slices.Sorted(maps.Keys(keys))

	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for _, name := range sorted {
		k := resource.PropertyKey(name)
		ov, inOld := olds[k]
		nv, inNew := news[k]
		inOld = inOld && !ov.IsNull()
		inNew = inNew && !nv.IsNull()
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case !inOld && !inNew:
			continue
		case !inOld:
			kind = pulumirpc.PropertyDiff_ADD
		case !inNew:
			kind = pulumirpc.PropertyDiff_DELETE
		case nv.ContainsUnknowns() || !ov.DeepEquals(nv):
			kind = pulumirpc.PropertyDiff_UPDATE
		default:
			continue
		}
		if replace != nil && replace(name) {
			// The _REPLACE kinds are the plain kinds plus 1.
			kind++
			resp.Replaces = append(resp.Replaces, name)
		}
		resp.Diffs = append(resp.Diffs, name)
		resp.DetailedDiff[name] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if len(resp.Diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp
}

// diffRequestInputs unmarshals a diff request's old inputs (its old outputs
// when the engine sends no inputs, as older states lack them) and new ones.
func diffRequestInputs(req *pulumirpc.DiffRequest) (olds, news resource.PropertyMap, err error) {
	oldSrc := req.GetOldInputs()
	if oldSrc == nil {
		oldSrc = req.GetOlds()
	}
	if olds, err = unmarshal("olds", oldSrc); err != nil {
		return nil, nil, err
	}
	if news, err = unmarshal("news", req.GetNews()); err != nil {
		return nil, nil, err
	}
	return olds, news, nil
}
