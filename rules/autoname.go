package rules

// Auto-naming of the bridged providers: pulumi-aws, pulumi-hcloud and
// pulumi-ovh auto-name the `name` input of every resource that has one
// (pulumi-aws provider/autonaming.go setAutonaming(255, "-"); pulumi-hcloud
// and pulumi-ovh provider/resources.go prov.SetAutonaming(255, "-")): the
// logical name, "-" and 7 random characters. A few types override the
// maximum; the provider's own length rules then apply to the result.
var autoNameMax = map[string]struct {
	max    int
	source string
}{
	// pulumi/pulumi-aws#1932: tfbridge.AutoName("name", 32, "-");
	// resource.NewUniqueName fails when the logical name leaves no room for
	// the suffix (pulumi/pulumi sdk/go/common/resource/resource_id.go).
	"aws:lb/targetGroup:TargetGroup": {32, "pulumi/pulumi-aws provider/resources.go aws_lb_target_group: tfbridge.AutoName(\"name\", 32, \"-\") (pulumi/pulumi-aws#1932)"},
}

const autoNameSource = "pulumi/pulumi-aws provider/autonaming.go setAutonaming(255, \"-\"); pulumi/pulumi-hcloud and ovh/pulumi-ovh provider/resources.go prov.SetAutonaming(255, \"-\"); randlen 7"

func (d *db) autoName(typ string) (AutoNaming, bool) {
	s := d.schemaRes[typ]
	if s == nil {
		return AutoNaming{}, false
	}
	p := s.InputProperties["name"]
	if p == nil || p.Type != "string" {
		return AutoNaming{}, false
	}
	a := AutoNaming{Property: "name", Separator: "-", RandLen: 7, MaxLen: 255, Source: autoNameSource}
	if o, ok := autoNameMax[typ]; ok {
		a.MaxLen, a.Source = o.max, o.source
	}
	return a, true
}
