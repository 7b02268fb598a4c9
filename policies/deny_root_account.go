package policies

import (
	"slices"
	"strings"

	"infra/rules"
	"infra/topology"
)

func (c *checker) denyRootAccount() {
	lz := c.spec.LandingZone.AWS != nil
	for _, r := range c.resources {
		reg := c.regions[r.Stack]
		switch {
		case r.Type == "pulumi:providers:aws":
			c.checked++
			arn, _ := str(rules.Get(r.Inputs, "assumeRole", "roleArn"))
			switch {
			case r.Inputs["accessKey"] != nil || r.Inputs["secretKey"] != nil:
				c.violate(r, "", "carries static access keys", "use the environment's credentials and assume the landing zone's role")
			case strings.HasSuffix(arn, ":root"):
				c.violate(r, "", "assumes the root user", "assume the landing zone's role")
			case lz && r.Stack != "landingzone-aws" && rules.Get(r.Inputs, "assumeRole", "roleArn") == nil:
				// Only the landing zone itself works in the management account.
				hint := "assume the deploy role the landing zone creates in the environment's account"
				if reg != nil {
					hint = "assume the role the landing zone creates in the " + reg.Environment + " account"
				}
				c.violate(r, "", "deploys with the caller's own credentials, in the management account where no SCP applies", hint)
			}
		case lz && reg != nil && reg.Cloud == topology.AWS && cloudOf(r.Type) == topology.AWS && r.Provider == "":
			c.checked++
			c.violate(r, "", "uses the default AWS provider: the caller's own credentials, outside the environment's account",
				"declare it with the stack's provider")
		case r.Type == "pulumi:providers:ovh":
			c.checked++
			for _, k := range []string{"applicationKey", "applicationSecret", "consumerKey"} {
				if r.Inputs[k] != nil {
					c.violate(r, "", "carries the account's API keys ("+k+")", "use a service account of the environment's identity group (clientId, clientSecret)")
					break
				}
			}
		case r.Type == "ovh:Me/identityGroup:IdentityGroup":
			c.checked++
			if role, _ := str(r.Inputs["role"]); role == "ADMIN" {
				c.violate(r, "", "gives its members the ADMIN account role", "use role NONE and grant through IAM policies")
			}
		case r.Type == "ovh:Iam/policy:Policy":
			c.checked++
			for _, id := range strs(r.Inputs["identities"]) {
				if strings.Contains(id, ":identity:account:") {
					c.violate(r, "", "grants to the account itself ("+id+")", "grant to an identity group")
					break
				}
			}
		case r.Type == "infra:ibm:IamPolicy":
			c.checked++
			if slices.Contains(strs(r.Inputs["roles"]), "Administrator") {
				scoped := false
				for _, k := range []string{"resourceGroupId", "serviceName", "serviceInstance", "resource"} {
					if v, ok := rules.Get(r.Inputs, "resourceAttributes", k).(string); ok && v != "" {
						scoped = true
					}
				}
				if !scoped {
					c.violate(r, "", "grants Administrator on the whole account, as good as the owner's key", "scope it to a resource group or service")
				}
			}
		}
	}
}
