// Package v1alpha1 holds the PayNextPlatform API: the Go types below are the
// single source of the XRD schema in apis/platform/definition.yaml (generated
// by `make generate`; `make test` fails when the two drift).
//
// +kubebuilder:object:generate=false
// +groupName=platform.paynext.io
// +versionName=v1alpha1
package v1alpha1

import "k8s.io/apimachinery/pkg/runtime/schema"

// Group and version of the platform API.
const (
	Group   = "platform.paynext.io"
	Version = "v1alpha1"
)

// Kinds served by the XRD.
const (
	CompositeKind = "XPayNextPlatform"
	ClaimKind     = "PayNextPlatform"
)

// SchemeGroupVersion is the group and version of every kind in this package.
var SchemeGroupVersion = schema.GroupVersion{Group: Group, Version: Version}
