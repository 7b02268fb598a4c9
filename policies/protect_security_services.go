package policies

import (
	"slices"
	"strings"
)

func (c *checker) protectSecurityServices() {
	trail := false
	for _, r := range c.resources {
		switch r.Type {
		case "aws:cloudtrail/trail:Trail":
			c.checked++
			if on, ok := truthy(r.Inputs["enableLogging"]); ok && !on {
				c.violate(r, "", "has logging turned off", "remove enableLogging: false")
				continue
			}
			if org, _ := truthy(r.Inputs["isOrganizationTrail"]); org {
				trail = true
			}
		case "aws:guardduty/detector:Detector":
			c.checked++
			if on, ok := truthy(r.Inputs["enable"]); ok && !on {
				c.violate(r, "", "is disabled", "remove enable: false")
			}
		case "aws:cfg/recorderStatus:RecorderStatus":
			c.checked++
			if on, ok := truthy(r.Inputs["isEnabled"]); ok && !on {
				c.violate(r, "", "stops the Config recorder", "set isEnabled: true")
			}
		case "aws:eks/cluster:Cluster":
			c.checked++
			if !slices.Contains(strs(r.Inputs["enabledClusterLogTypes"]), "audit") {
				c.violate(r, "", "does not send Kubernetes audit logs", "add audit to enabledClusterLogTypes")
			}
		case "infra:ibm:CbrRule":
			c.checked++
			if m, _ := str(r.Inputs["enforcementMode"]); m == "disabled" {
				c.violate(r, "", "is disabled", "set enforcementMode to enabled (or report while trying it)")
			}
		case "ovh:Iam/policy:Policy":
			c.checked++
			for _, a := range strs(r.Inputs["allows"]) {
				if a == "*" || strings.HasPrefix(a, "account:apiovh:iam") || a == "account:apiovh:*" {
					c.violate(r, "", "allows "+a+", which lets its identities change IAM", "allow only publicCloudProject actions")
					break
				}
			}
		}
	}
	// The organization trail is the landing zone's own security service.
	if c.spec.LandingZone.AWS != nil && c.stacks["landingzone-aws"] && !trail {
		c.checked++
		c.violate(&Resource{Stack: "landingzone-aws", Type: "aws:cloudtrail/trail:Trail", Name: "(none)"}, "",
			"is missing: the organization has no organization trail", "the landingzone-aws program declares one; keep it")
	}
}
