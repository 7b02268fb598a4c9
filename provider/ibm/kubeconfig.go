package ibm

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/kubeconfig"
)

// maxConfigZip bounds the cluster config download: a kubeconfig and three
// PEM files are a few kilobytes.
const maxConfigZip = 1 << 20

// clusterConfig is the admin kubeconfig of a cluster, self-contained (the
// CA and the admin certificate and key inlined as *-data fields), which the
// cluster's secret "kubeconfig" output carries for `infra kubeconfig`.
//
// It is what `ibmcloud ks cluster config --admin` and terraform-provider-
// ibm's ibm_container_cluster_config (admin = true) do on the wire: POST
// /global/v2/applyRBACAndGetKubeconfig {cluster, format: zip, admin: true}
// (bluemix-go api/container/containerv2/clusters.go,
// GetClusterConfigDetail; the API method is listed in IBM Cloud docs,
// containers api-at-iam.md), then unpack the ZIP: a *.yaml kubeconfig that
// names ca-*.pem, admin.pem and admin-key.pem beside it. The admin
// certificate, not an IAM OIDC token, because a token expires within the
// hour and this output lives in state.
func (o *op) clusterConfig(ctx context.Context, svc *core.BaseService, id string) (string, error) {
	var body io.ReadCloser
	resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/v2/applyRBACAndGetKubeconfig",
		body: map[string]any{"cluster": id, "format": "zip", "admin": true}}, &body)
	if err != nil {
		return "", o.apiError("get the kubeconfig of", err, resp)
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, maxConfigZip))
	if err != nil {
		return "", err
	}
	cfg, err := inlineConfigZip(data)
	if err != nil {
		return "", &Error{Op: "get the kubeconfig of", Type: o.k.token, Name: o.name, Message: err.Error()}
	}
	return cfg, nil
}

// inlineConfigZip reads the cluster config ZIP and returns its kubeconfig
// with every file it names inlined, so it needs no companion files.
func inlineConfigZip(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("the cluster config is not a ZIP: %w", err)
	}
	files := map[string][]byte{}
	var yamlName string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxConfigZip))
		rc.Close()
		if err != nil {
			return "", err
		}
		name := path.Base(f.Name)
		files[name] = b
		if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			yamlName = name
		}
	}
	if yamlName == "" {
		return "", fmt.Errorf("the cluster config ZIP holds no kubeconfig (files: %d)", len(files))
	}
	cfg, err := kubeconfig.Parse(files[yamlName])
	if err != nil {
		return "", err
	}
	inline := func(m map[string]any, fileKey string) error {
		ref, ok := m[fileKey].(string)
		if !ok {
			return nil
		}
		b, ok := files[path.Base(ref)]
		if !ok {
			return fmt.Errorf("the kubeconfig names %s, which is not in the ZIP", ref)
		}
		delete(m, fileKey)
		m[fileKey+"-data"] = base64.StdEncoding.EncodeToString(b)
		return nil
	}
	for _, c := range cfg.Clusters {
		if err := inline(c.Cluster, "certificate-authority"); err != nil {
			return "", err
		}
	}
	for _, u := range cfg.Users {
		for _, k := range []string{"client-certificate", "client-key"} {
			if err := inline(u.User, k); err != nil {
				return "", err
			}
		}
	}
	out, err := cfg.Marshal()
	return string(out), err
}

// clusterConfigOutput is clusterConfig as the kubeconfig output.
func (o *op) clusterConfigOutput(ctx context.Context, id string) (resource.PropertyValue, error) {
	svc, err := o.containers()
	if err != nil {
		return resource.PropertyValue{}, err
	}
	cfg, err := o.clusterConfig(ctx, svc, id)
	if err != nil {
		return resource.PropertyValue{}, err
	}
	return resource.MakeSecret(resource.NewProperty(cfg)), nil
}
