package sim

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// An Auto Scaling attachment whose node group changes is replaced, as every
// argument of aws_autoscaling_attachment is ForceNew (rules/data/additions.json);
// it has no name, so the new attachment is made before the old one goes.
func TestAutoscalingAttachmentReplaces(t *testing.T) {
	p := testProvider()
	const typ = "aws:autoscaling/attachment:Attachment"
	base := resource.PropertyMap{"autoscalingGroupName": str("eks-nodes-a"), "lbTargetGroupArn": str("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/1")}
	olds, failures := checkRPC(t, p, typ, "ingress-tg-443-a", nil, base)
	if len(failures) != 0 {
		t.Fatal(failures)
	}
	moved := base.Copy()
	moved["autoscalingGroupName"] = str("eks-nodes-b")
	news, _ := checkRPC(t, p, typ, "ingress-tg-443-a", olds, moved)
	if d := diffRPC(t, typ, olds, news); strings.Join(d.Replaces, ",") != "autoscalingGroupName" || d.DeleteBeforeReplace {
		t.Errorf("a new node group: replaces %v, delete first %v; want autoscalingGroupName, false", d.Replaces, d.DeleteBeforeReplace)
	}
	both := base.Copy()
	both["elb"] = str("classic")
	if _, failures := checkRPC(t, p, typ, "ingress-tg-443-b", nil, both); len(failures) == 0 {
		t.Error("an attachment with both an ELB and a target group passes Check")
	}
}
