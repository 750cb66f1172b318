// Package stateful names the managed kinds that hold data, or that data
// lives in or is encrypted with: deleting or replacing one loses data, so
// the function's guards and `make plan` treat them apart.
package stateful

import "k8s.io/apimachinery/pkg/runtime/schema"

var kinds = map[schema.GroupKind]bool{
	{Group: "rds.aws.upbound.io", Kind: "Cluster"}:           true,
	{Group: "rds.aws.upbound.io", Kind: "ClusterInstance"}:   true,
	{Group: "s3.aws.upbound.io", Kind: "Bucket"}:             true,
	{Group: "efs.aws.upbound.io", Kind: "FileSystem"}:        true,
	{Group: "backup.aws.upbound.io", Kind: "Vault"}:          true,
	{Group: "kms.aws.upbound.io", Kind: "Key"}:               true,
	{Group: "cloudwatchlogs.aws.upbound.io", Kind: "Group"}:  true,
	{Group: "secretsmanager.aws.upbound.io", Kind: "Secret"}: true,
	{Group: "eks.aws.upbound.io", Kind: "Cluster"}:           true,
	{Group: "ec2.aws.upbound.io", Kind: "VPC"}:               true,
	{Group: "ec2.aws.upbound.io", Kind: "Subnet"}:            true,
}

// AnnotationRenderedSpec marks a stateful resource with the digest of the
// spec it was last rendered from: the function's drop guard reads it, and
// `make plan` leaves it out of diffs (it changes with every edit and never
// reaches AWS).
const AnnotationRenderedSpec = "platform.paynext.io/rendered-spec"

// Kind reports whether resources of the group and kind are stateful.
func Kind(gk schema.GroupKind) bool { return kinds[gk] }
