// Package fakeaws plays the provider's part in tests: it turns desired
// composed resources into the observed state provider-aws would report once
// they exist in AWS (IDs, ARNs, external names, Ready and Synced conditions).
// Nothing here talks to AWS; the IDs are derived from the resource keys so
// tests stay deterministic.
package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

// AccountID every fake ARN carries.
const AccountID = "111122223333"

// idPrefixes are the prefixes AWS gives the IDs of EC2 kinds.
var idPrefixes = map[string]string{
	"VPC": "vpc", "Subnet": "subnet", "InternetGateway": "igw", "NATGateway": "nat", "EIP": "eipalloc",
	"RouteTable": "rtb", "Route": "r-rtb", "RouteTableAssociation": "rtbassoc", "VPCEndpoint": "vpce",
	"SecurityGroup": "sg", "DefaultSecurityGroup": "sg", "SecurityGroupIngressRule": "sgr",
	"NetworkACL": "acl", "NetworkACLRule": "nacl", "FlowLog": "fl",
}

// Observe returns what the provider would report for the desired resources
// once they exist and are ready, with the connection details of the kinds
// that publish them, in account (AccountID when "").
func Observe(desired map[resource.Name]*resource.DesiredComposed, region, account string) map[resource.Name]resource.ObservedComposed {
	if account == "" {
		account = AccountID
	}
	out := make(map[resource.Name]resource.ObservedComposed, len(desired))
	for name, d := range desired {
		o := ObserveOneIn(string(name), d.Resource, region, account)
		out[name] = resource.ObservedComposed{Resource: o, ConnectionDetails: ConnectionDetails(string(name), o)}
	}
	return out
}

// ConnectionDetails returns what the provider publishes in the connection
// secret of an observed resource: the endpoints of an RDS cluster (whose
// password AWS keeps in Secrets Manager).
func ConnectionDetails(key string, observed *composed.Unstructured) resource.ConnectionDetails {
	switch observed.GroupVersionKind().Group + "/" + observed.GetKind() {
	case "rds.aws.upbound.io/Cluster":
		d := resource.ConnectionDetails{"port": []byte("5432")}
		for k, path := range map[string]string{"endpoint": "status.atProvider.endpoint", "reader_endpoint": "status.atProvider.readerEndpoint", "username": "spec.forProvider.masterUsername"} {
			if v, err := observed.GetString(path); err == nil {
				d[k] = []byte(v)
			}
		}
		return d
	}
	return nil
}

// ObserveOne returns the observed form of one desired resource, in the fake
// account AccountID.
func ObserveOne(key string, desired *composed.Unstructured, region string) *composed.Unstructured {
	return ObserveOneIn(key, desired, region, AccountID)
}

// ObserveOneIn is ObserveOne in the given account: a claim that names its
// account gets ARNs in that account, as its policies do.
func ObserveOneIn(key string, desired *composed.Unstructured, region, account string) *composed.Unstructured {
	o := desired.DeepCopy()
	kind := o.GetKind()
	// A resource in another region (the DR keys) is reported there.
	if r, err := o.GetString("spec.forProvider.region"); err == nil && r != "" {
		region = r
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])

	id := h[:17]
	if p, ok := idPrefixes[kind]; ok {
		id = p + "-" + h[:17]
	}
	svc := strings.SplitN(o.GroupVersionKind().Group, ".", 2)[0]
	partition := "aws"
	if strings.Contains(region, "-gov-") {
		partition = "aws-us-gov"
	}
	arn := "arn:" + partition + ":" + svc + ":" + region + ":" + account + ":" + strings.ToLower(kind) + "/" + id
	switch kind {
	case "Key":
		id = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		arn = "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + id
	case "Role":
		name := o.GetAnnotations()["crossplane.io/external-name"]
		id, arn = name, "arn:"+partition+":iam::"+account+":role/"+name
	case "Group":
		name := o.GetAnnotations()["crossplane.io/external-name"]
		id, arn = name, "arn:"+partition+":logs:"+region+":"+account+":log-group:"+name
	case "Bucket":
		// S3 names a bucket by its name, and its ARN has no region or account.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
		if name := o.GetAnnotations()["crossplane.io/external-name"]; name != "" {
			id, arn = name, "arn:"+partition+":s3:::"+name
		}
	case "Alias":
		id = o.GetAnnotations()["crossplane.io/external-name"]
		arn = "arn:" + partition + ":kms:" + region + ":" + account + ":" + id
	}

	if o.GetName() == "" {
		o.SetName(o.GetGenerateName() + h[:5])
	}
	ann := o.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	if ann["crossplane.io/external-name"] == "" {
		ann["crossplane.io/external-name"] = id
	}
	o.SetAnnotations(ann)

	atProvider := map[string]any{"id": id, "arn": arn}
	if fp, ok := o.Object["spec"].(map[string]any)["forProvider"].(map[string]any); ok {
		for k, v := range fp {
			if !strings.HasSuffix(k, "Selector") && !strings.HasSuffix(k, "Ref") && !strings.HasSuffix(k, "Refs") {
				atProvider[k] = v
			}
		}
	}
	atProvider["id"], atProvider["arn"] = id, arn
	switch o.GroupVersionKind().Group + "/" + kind {
	case "ec2.aws.upbound.io/LaunchTemplate":
		atProvider["latestVersion"] = 1.0
	case "ec2.aws.upbound.io/VPCEndpoint":
		// A gateway endpoint reports the prefix list of its service's
		// addresses in the region.
		if fp, _ := o.Object["spec"].(map[string]any)["forProvider"].(map[string]any); fp["vpcEndpointType"] == "Gateway" {
			atProvider["prefixListId"] = "pl-" + h[:8]
		}
	case "kms.aws.upbound.io/Key":
		// Resolvers extract key_id (rds Cluster's masterUserSecretKmsKeyId).
		atProvider["keyId"] = id
	case "eks.aws.upbound.io/Cluster":
		// Resolvers extract the cluster name only once it is ACTIVE
		// (eks/v1beta1 ExternalNameIfClusterActive).
		atProvider["status"] = "ACTIVE"
		atProvider["endpoint"] = "https://" + strings.ToUpper(h[:32]) + ".gr7." + region + ".eks.amazonaws.com"
		atProvider["identity"] = []any{map[string]any{"oidc": []any{map[string]any{"issuer": "https://oidc.eks." + region + ".amazonaws.com/id/" + strings.ToUpper(h[:32])}}}}
		atProvider["certificateAuthority"] = []any{map[string]any{"data": "LS0tLS1CRUdJTi1GQUtFLUNBLS0tLS0K"}}
	case "elbv2.aws.upbound.io/LBTargetGroup":
		arn = "arn:" + partition + ":elasticloadbalancing:" + region + ":" + account + ":targetgroup/" + awsName(o) + "/" + h[:16]
		atProvider["arn"] = arn
	case "elbv2.aws.upbound.io/LB":
		arn = "arn:" + partition + ":elasticloadbalancing:" + region + ":" + account + ":loadbalancer/app/" + awsName(o) + "/" + h[:16]
		atProvider["arn"] = arn
		atProvider["dnsName"] = awsName(o) + "-" + h[:10] + "." + region + ".elb.amazonaws.com"
	}
	if o.GroupVersionKind().Group == "rds.aws.upbound.io" {
		host := o.GetAnnotations()["crossplane.io/external-name"] + "." + h[:12] + "." + region + ".rds.amazonaws.com"
		switch kind {
		case "Cluster":
			atProvider["endpoint"] = host
			atProvider["readerEndpoint"] = strings.Replace(host, ".", ".cluster-ro-", 1)
			atProvider["masterUserSecret"] = []any{map[string]any{
				"secretArn":    "arn:" + partition + ":secretsmanager:" + region + ":" + account + ":secret:rds!cluster-" + h[:8] + "-" + h[8:14],
				"secretStatus": "active",
			}}
		case "Proxy":
			atProvider["endpoint"] = strings.Replace(host, ".", ".proxy-", 1)
		}
	}
	o.Object["status"] = map[string]any{
		"atProvider": atProvider,
		"conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": "2026-11-27T00:00:00Z"},
			map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": "2026-11-27T00:00:00Z"},
		},
	}
	return o
}

// awsName is the name AWS knows a resource by: spec.forProvider.name when
// set, else the external name. Never the Kubernetes name, which Crossplane
// generates per cluster.
func awsName(o *composed.Unstructured) string {
	if n, err := o.GetString("spec.forProvider.name"); err == nil && n != "" {
		return n
	}
	return o.GetAnnotations()["crossplane.io/external-name"]
}
