package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
)

// clusterAdmins gives each role of cluster.admins an EKS access entry with
// AmazonEKSClusterAdminPolicy on the whole cluster, so that people reach
// the cluster with their own roles (IAM Identity Center permission sets,
// a break-glass role) rather than with the deploy role, which the cluster
// makes admin only as its creator. The cluster authenticates through
// access entries only (AuthenticationMode API): EKS User Guide, "Grant IAM
// users access to Kubernetes with EKS access entries" and "Associate
// access policies with access entries".
func (p *program) clusterAdmins(cluster *eks.Cluster) error {
	admins := p.r.Cluster.Admins
	if len(admins) == 0 {
		return nil
	}
	part := partition(p.r.Name)
	account := p.accountID()
	slugs := adminSlugs(admins)
	for _, a := range admins {
		role := a
		arn := account.ApplyT(func(id string) string {
			if strings.HasPrefix(role, "arn:") {
				return role
			}
			return landingzone.RoleARN(part, id, strings.TrimPrefix(role, "/"))
		}).(pulumi.StringOutput)
		n := p.name("admin", slugs[a])
		entry, err := eks.NewAccessEntry(p.ctx, n, &eks.AccessEntryArgs{
			ClusterName:  cluster.Name,
			PrincipalArn: arn,
			Type:         pulumi.String("STANDARD"),
			Tags:         p.tags(n),
		}, p.with()...)
		if err != nil {
			return err
		}
		if _, err := eks.NewAccessPolicyAssociation(p.ctx, n+"-cluster-admin", &eks.AccessPolicyAssociationArgs{
			ClusterName:  cluster.Name,
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String("arn:" + part + ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
			AccessScope:  &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, p.with()...); err != nil {
			return err
		}
	}
	return nil
}

// accountID is the id of the account the stack deploys into: the deploy
// role's account, or the caller's without a landing zone.
func (p *program) accountID() pulumi.StringOutput {
	if p.deployRole != nil {
		return Account{Name: p.r.Environment, Role: p.deployRole}.ID().ToStringOutput()
	}
	opts := make([]pulumi.InvokeOption, 0, len(p.opts))
	for _, o := range p.opts {
		if io, ok := o.(pulumi.InvokeOption); ok {
			opts = append(opts, io)
		}
	}
	return awsp.GetCallerIdentityOutput(p.ctx, awsp.GetCallerIdentityOutputArgs{}, opts...).AccountId()
}

// adminSlugs names each admin's access entry: the role's slug, and where
// two roles share one (the same role name in two accounts or paths), the
// slug and a hash of the whole role, so the names stay unique and do not
// depend on the list's order.
func adminSlugs(admins []string) map[string]string {
	count := map[string]int{}
	for _, a := range admins {
		count[slugRole(a)]++
	}
	out := map[string]string{}
	for _, a := range admins {
		s := slugRole(a)
		if count[s] > 1 {
			sum := sha256.Sum256([]byte(a))
			s += "-" + hex.EncodeToString(sum[:])[:6]
		}
		out[a] = s
	}
	return out
}

// slugRole makes a role name or ARN a logical-name part: its last path
// element, lower-cased.
func slugRole(role string) string {
	if i := strings.LastIndex(role, "/"); i >= 0 {
		role = role[i+1:]
	}
	return strings.ToLower(role)
}
