package sim

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// invoke answers a data source from the shared model; a function it does
// not know returns an empty result rather than an error, so programs that
// look something up still run.
func invoke(token string, args resource.PropertyMap, region string) resource.PropertyMap {
	if ret, ok := computed.Invoke(token, args, region); ok {
		return ret
	}
	return resource.PropertyMap{}
}
