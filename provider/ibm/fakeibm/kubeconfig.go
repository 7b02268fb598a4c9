package fakeibm

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"infra/provider/computed"
)

// kubeconfigRoutes: the Kubernetes Service's cluster config API, POST
// /global/v2/applyRBACAndGetKubeconfig (IBM Cloud docs, containers
// api-at-iam.md: "Apply IAM roles to the cluster, then retrieve the
// cluster's kubeconfig file"). The body names the cluster (name or id);
// admin asks for the admin certificates instead of an IAM OIDC user;
// format "zip" answers a ZIP of the kubeconfig YAML and the PEM files it
// names, as `ibmcloud ks cluster config` and terraform-provider-ibm
// download it (bluemix-go api/container/containerv2/clusters.go,
// GetClusterConfigDetail: a *.yaml, ca*.pem, admin.pem, admin-key.pem);
// otherwise the kubeconfig as JSON with the data inlined. endpointType
// "private" points it at the private service endpoint. The certificates
// are real and the same for the same cluster.
func (s *Server) kubeconfigRoutes() {
	s.handle(http.MethodPost, "/containers/global/v2/applyRBACAndGetKubeconfig", func(c *call) {
		idOrName := c.str("cluster")
		var cl *object
		for _, o := range c.s.objs {
			if o.kind == "cluster" && !o.gone && (o.id == idOrName || o.body["name"] == idOrName) {
				cl = o
			}
		}
		if cl == nil {
			c.json(http.StatusNotFound, map[string]any{"incidentID": "fake-incident-0001", "code": "G0004",
				"description": "The specified cluster could not be found.", "type": "General"})
			return
		}
		name, _ := cl.body["name"].(string)
		server := fmt.Sprint(dig(cl.body, "serviceEndpoints.publicServiceEndpointURL"))
		if c.str("endpointType") == "private" || server == "" {
			server = fmt.Sprint(dig(cl.body, "serviceEndpoints.privateServiceEndpointURL"))
		}
		chain := computed.CertChain("iks/"+cl.id, name+"-ca", "admin", "system:masters")
		admin, _ := c.body["admin"].(bool)
		caFile := "ca-" + fmt.Sprint(cl.body["region"]) + "-" + name + ".pem"
		user := map[string]any{"client-certificate": "admin.pem", "client-key": "admin-key.pem"}
		if !admin {
			// An IAM user: the caller's IAM token as an OIDC id-token, which
			// the cluster's RBAC (just synchronised) maps to its roles.
			user = map[string]any{"auth-provider": map[string]any{"name": "oidc", "config": map[string]any{
				"client-id": "kube", "client-secret": "kube", "idp-issuer-url": "https://iam.cloud.ibm.com/identity",
				"id-token": strings.TrimPrefix(c.r.Header.Get("Authorization"), "Bearer ")}}}
		}
		cfg := map[string]any{"apiVersion": "v1", "kind": "Config", "preferences": map[string]any{},
			"clusters":        []any{map[string]any{"name": name, "cluster": map[string]any{"server": server, "certificate-authority": caFile}}},
			"users":           []any{map[string]any{"name": name + "-admin", "user": user}},
			"contexts":        []any{map[string]any{"name": name, "context": map[string]any{"cluster": name, "user": name + "-admin", "namespace": "default"}}},
			"current-context": name}
		if c.str("format") != "zip" {
			b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
			delete(cfg["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any), "certificate-authority")
			cfg["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any)["certificate-authority-data"] = b64(chain.CA)
			if admin {
				user["client-certificate-data"], user["client-key-data"] = b64(chain.Cert), b64(chain.Key)
				delete(user, "client-certificate")
				delete(user, "client-key")
			}
			c.json(http.StatusOK, cfg)
			return
		}
		text, err := yaml.Marshal(cfg)
		if err != nil {
			c.fail(http.StatusInternalServerError, "E0000", err.Error(), "")
			return
		}
		files := map[string]string{"kube-config-" + name + ".yaml": string(text), caFile: chain.CA}
		if admin {
			files["admin.pem"], files["admin-key.pem"] = chain.Cert, chain.Key
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range slices.Sorted(maps.Keys(files)) {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f, Method: zip.Deflate})
			if err == nil {
				_, err = w.Write([]byte(files[f]))
			}
			if err != nil {
				c.fail(http.StatusInternalServerError, "E0000", err.Error(), "")
				return
			}
		}
		if err := zw.Close(); err != nil {
			c.fail(http.StatusInternalServerError, "E0000", err.Error(), "")
			return
		}
		c.w.Header().Set("Content-Type", "application/zip")
		c.w.WriteHeader(http.StatusOK)
		_, _ = c.w.Write(buf.Bytes())
	})
}
