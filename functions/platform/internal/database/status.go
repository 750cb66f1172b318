package database

import (
	"strconv"

	"github.com/crossplane/function-sdk-go/resource"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Status is the tier's output, read from observed state; nil before the
// cluster is observed.
func Status(observed platform.Observed) *v1alpha1.DatabaseStatus {
	var c rdsv1beta1.Cluster
	if !observed.Get(KeyCluster, &c) {
		return nil
	}
	s := &v1alpha1.DatabaseStatus{DatabaseName: DatabaseName, Port: Port, MasterSecretARN: MasterSecretARN(observed)}
	if c.Status.AtProvider.Endpoint != nil {
		s.Endpoint = *c.Status.AtProvider.Endpoint
	}
	if c.Status.AtProvider.ReaderEndpoint != nil {
		s.ReaderEndpoint = *c.Status.AtProvider.ReaderEndpoint
	}
	var p rdsv1beta1.Proxy
	if observed.Get(KeyProxy, &p) && p.Status.AtProvider.Endpoint != nil {
		s.ProxyEndpoint = *p.Status.AtProvider.Endpoint
	}
	return s
}

// ConnectionDetails are what the claim's connection secret carries: how to
// reach the database and where its credential lives, never the password.
func ConnectionDetails(s *v1alpha1.DatabaseStatus) resource.ConnectionDetails {
	if s == nil {
		return nil
	}
	d := resource.ConnectionDetails{}
	for k, v := range map[string]string{
		"endpoint": s.Endpoint, "readerEndpoint": s.ReaderEndpoint, "proxyEndpoint": s.ProxyEndpoint,
		"port": strconv.Itoa(int(s.Port)), "database": s.DatabaseName, "masterSecretArn": s.MasterSecretARN,
	} {
		if v != "" {
			d[k] = []byte(v)
		}
	}
	return d
}
