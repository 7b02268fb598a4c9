package engine

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"

	"infra/plan"
	"infra/topology"
)

// A Hetzner network refuses a route whose destination overlaps another
// route of the network (Hetzner Cloud API, "Add a route to a Network";
// ../shared/reference/clouds.md §3.3). When the mesh's routes change shape
// (per-peer routes summarised, a piece named anew), pulumi creates the new
// routes before it deletes the ones the program no longer declares (those
// go at the end of an update), so the create fails and the up with it.
//
// So before an up writes a stack, infra deletes the Hetzner routes of its
// state that the offline plan no longer declares (by type and logical
// name) and whose destination overlaps a route the plan declares through
// the same gateway address, a targeted destroy of those URNs; the up then
// creates their successors. Between the two, the destinations of those
// routes have no route in that network: from the destroy until the up
// creates the route (the stack's program run and the route's create, whose
// only dependency, the gateway server, is unchanged). A route the program
// keeps but whose destination or gateway changes is replaced delete-first
// in the program itself (stacks/hetzner), with the same window.

// hcloudRouteType is the Pulumi type of a Hetzner network route.
const hcloudRouteType = "hcloud:index/networkRoute:NetworkRoute"

// routeDest is a route's destination and gateway, read from its inputs.
func routeDest(in map[string]any) (netip.Prefix, string, bool) {
	d, _ := in["destination"].(string)
	g, _ := in["gateway"].(string)
	p, err := netip.ParsePrefix(d)
	return p, g, err == nil
}

// routeClears lists, per stack, the URNs of deployed Hetzner routes that
// the up must delete before it creates the routes that overlap them (see
// above). It runs the offline plan only when a deployed stack holds a
// Hetzner route.
func (e *Engine) routeClears(ctx context.Context) (map[string][]string, error) {
	e.mu.Lock()
	held := map[string][]stateResource{}
	for name, d := range e.deployed {
		if d.Damaged != nil || e.graph.Stack(name) == nil {
			continue
		}
		for _, r := range d.State {
			if r.Type == hcloudRouteType {
				held[name] = append(held[name], r)
			}
		}
	}
	e.mu.Unlock()
	if len(held) == 0 {
		return nil, nil
	}
	p, err := plan.Generate(ctx, e.graph)
	if err != nil {
		return nil, fmt.Errorf("offline plan: %w", err)
	}
	out := map[string][]string{}
	for name, rs := range held {
		s := p.Stack(name)
		if s == nil {
			continue
		}
		declared := map[string]bool{}
		var planned []*plan.Resource
		for _, r := range s.Resources {
			if r.Type == hcloudRouteType {
				declared[r.Name] = true
				planned = append(planned, r)
			}
		}
		for _, r := range rs {
			if declared[r.Name] {
				continue
			}
			dest, gw, ok := routeDest(r.Inputs)
			if !ok {
				continue
			}
			for _, n := range planned {
				d, g, ok := routeDest(n.Inputs)
				if ok && g == gw && d.Overlaps(dest) {
					out[name] = append(out[name], r.URN)
					break
				}
			}
		}
		sort.Strings(out[name])
	}
	return out, nil
}

// routeNotice is what a preview says of the routes the up deletes first:
// the preview shows their deletes, which the up makes before, not after,
// the creates.
func routeNotice(urns []string) topology.Diagnostic {
	return topology.Diagnostic{Severity: topology.Warning, Rule: RuleRun, Message: fmt.Sprintf(
		"the up first deletes %d Hetzner network route(s) that the new routes overlap (Hetzner refuses overlapping routes), then creates the new ones: %s",
		len(urns), strings.Join(urns, ", "))}
}

// clearRoutes deletes the routes routeClears found in the stack before its
// up, and says which.
func (e *Engine) clearRoutes(ctx context.Context, st auto.Stack, r *StackResult, urns []string) error {
	if len(urns) == 0 {
		return nil
	}
	if _, err := st.Destroy(ctx, optdestroy.Target(urns)); err != nil {
		if auto.IsConcurrentUpdateError(err) {
			return err
		}
		return fmt.Errorf("delete the %d Hetzner route(s) that the new routes overlap (%s): %w", len(urns), strings.Join(urns, ", "), cliError(err))
	}
	e.warn(Up, r, fmt.Sprintf("deleted %d Hetzner network route(s) before the up, because the routes that replace them overlap them and Hetzner refuses overlapping routes: %s; their destinations are unrouted until the up creates the new routes",
		len(urns), strings.Join(urns, ", ")))
	return nil
}
