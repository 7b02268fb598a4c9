// Package model is what a topology means once derived: its address plan,
// mesh, transit, global load balancer, landing zone, the guardrails' native
// documents (SCPs, IBM context-based restrictions, OVH denies) and which
// cloud enforces which guardrail natively. A command derives it once, with
// Derive, and every consumer (the stack graph, the ADRs, the views) reads the
// same value instead of recomputing its own part.
//
// model imports topology, network, landingzone and policies; stacks, adr, ui,
// plan, engine and cmd import it. It never imports a stack program.
package model

import (
	"net/netip"
	"sync/atomic"

	"infra/landingzone"
	"infra/network"
	"infra/policies"
	"infra/topology"
)

// Model is a topology with everything derived from it.
type Model struct {
	Spec *topology.Spec
	// Addresses is the address plan: region CIDRs, zone subnets and mesh
	// overlay addresses.
	Addresses *network.AddressPlan
	// Mesh is the WireGuard mesh; nil when the spec has none.
	Mesh *network.Mesh
	// Transit is the transit-gateway model; never nil.
	Transit *network.Transit
	// GLB is the global load balancer; nil when the spec has none.
	GLB *network.GLB
	// LandingZone is the organisation model of every cloud.
	LandingZone *landingzone.Model
	// SCPs are the packed SCPs of the AWS Organization; nil without one.
	// Packing errors are in SCPs.Diagnostics.
	SCPs *policies.SCPSet
	// CBR are the IBM guardrails' context-based restrictions; nil without an
	// IBM landing zone.
	CBR []policies.CBRRule
	// OVHDenies are what the OVH guardrail policies deny; nil without an OVH
	// landing zone.
	OVHDenies []policies.OVHDeny
	// Native says, per guardrail and cloud, how the cloud's landing zone
	// enforces the guardrail beyond the plan-time check ("SCP deny-regions",
	// "Key Protect", ...). A cloud that only checks at plan time is absent.
	Native map[string]map[topology.Cloud]string
}

// derivations counts calls of Derive, for tests that hold a command to one.
var derivations atomic.Int64

// Derivations is how many models Derive has built in this process. Tests
// read it before and after a command to check the command derived once.
func Derivations() int64 { return derivations.Load() }

// Derive computes the model of a spec. Options go to network.Compute, so the
// engine can pin the allocations already deployed.
func Derive(spec *topology.Spec, opts ...network.Option) (*Model, error) {
	derivations.Add(1)
	addrs, err := network.Compute(spec, opts...)
	if err != nil {
		return nil, err
	}
	mesh, err := network.BuildMesh(spec, addrs)
	if err != nil {
		return nil, err
	}
	m := &Model{
		Spec:        spec,
		Addresses:   addrs,
		Mesh:        mesh,
		Transit:     network.BuildTransit(spec),
		GLB:         network.BuildGLB(spec),
		LandingZone: landingzone.Derive(spec),
	}
	if m.LandingZone.AWS != nil {
		m.SCPs = policies.SCPs(spec, policies.SCPOptions{Targets: m.LandingZone.AWS.Targets, DeployRoles: m.LandingZone.AWS.DeployRoles(),
			TrailBucket: m.LandingZone.AWS.TrailBucketPattern(), TrailKeyAlias: m.LandingZone.AWS.TrailKeyAlias})
	}
	if m.LandingZone.IBM != nil {
		m.CBR = policies.IBMRules(spec, IBMSubjects(m.LandingZone.IBM))
	}
	if m.LandingZone.OVH != nil {
		m.OVHDenies = policies.OVHDenies(spec)
	}
	m.Native = native(m)
	return m, nil
}

// Pinned reports whether the model already places every region as the
// deployed allocations do (keys are region IDs), so deriving again with
// network.WithPrevious would give the same addresses.
func (m *Model) Pinned(cidrs map[string]netip.Prefix, overlays map[string]netip.Addr) bool {
	for id, p := range cidrs {
		if rn := m.Addresses.Region(id); rn == nil || rn.CIDR != p {
			return false
		}
	}
	for id, a := range overlays {
		if rn := m.Addresses.Region(id); rn == nil || rn.Overlay != a {
			return false
		}
	}
	return true
}

// IBMSubjects are the IBM landing zone's environments as policies.IBMRules
// takes them.
func IBMSubjects(a *landingzone.IBMAccount) []policies.IBMSubject {
	var out []policies.IBMSubject
	for _, e := range a.Environments {
		s := policies.IBMSubject{Environment: e.Name, ResourceGroup: e.ResourceGroup, Zone: e.Zone}
		if e.KeyProtect != nil {
			s.KeyProtect = e.KeyProtect.Instance
		}
		out = append(out, s)
	}
	return out
}
