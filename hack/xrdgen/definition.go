package main

import (
	"errors"
	"fmt"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// Definition is the apiextensions.crossplane.io/v1 CompositeResourceDefinition
// of the platform, with only the fields it uses. v1 (not v2) because only v1
// XRDs serve a namespaced claim for a cluster-scoped XR, on Crossplane 1.x
// and, as LegacyCluster, on v2.
type Definition struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       DefinitionSpec    `json:"spec"`
}

// DefinitionSpec is the XRD's spec.
type DefinitionSpec struct {
	Group                 string                               `json:"group"`
	Names                 extv1.CustomResourceDefinitionNames  `json:"names"`
	ClaimNames            *extv1.CustomResourceDefinitionNames `json:"claimNames"`
	ConnectionSecretKeys  []string                             `json:"connectionSecretKeys,omitempty"`
	DefaultCompositionRef *NameRef                             `json:"defaultCompositionRef"`
	Versions              []DefinitionVersion                  `json:"versions"`
}

// NameRef refers to an object by name.
type NameRef struct {
	Name string `json:"name"`
}

// DefinitionVersion is one served version of the XRD.
type DefinitionVersion struct {
	Name                     string                                 `json:"name"`
	Served                   bool                                   `json:"served"`
	Referenceable            bool                                   `json:"referenceable"`
	Schema                   DefinitionSchema                       `json:"schema"`
	AdditionalPrinterColumns []extv1.CustomResourceColumnDefinition `json:"additionalPrinterColumns,omitempty"`
}

// DefinitionSchema wraps the OpenAPI schema of a version.
type DefinitionSchema struct {
	OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
}

// Names of the XRD, its composite and its claim.
const (
	DefinitionName  = "xpaynextplatforms." + v1alpha1.Group
	CompositePlural = "xpaynextplatforms"
	ClaimPlural     = "paynextplatforms"
)

// DefinitionFromCRD builds the XRD from the CRD controller-gen generates for
// XPayNextPlatform: the schema's spec and status come from the Go types;
// names, claim names and printer columns are set here.
func DefinitionFromCRD(crd *extv1.CustomResourceDefinition) (*Definition, error) {
	if len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Name != v1alpha1.Version || crd.Spec.Versions[0].Schema == nil {
		return nil, fmt.Errorf("want one version %s with a schema in CRD %s", v1alpha1.Version, crd.GetName())
	}
	generated := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
	spec, okSpec := generated.Properties["spec"]
	status, okStatus := generated.Properties["status"]
	if !okSpec || !okStatus {
		return nil, errors.New("the generated schema has no spec or status")
	}
	columns := []extv1.CustomResourceColumnDefinition{
		{Name: "ENVIRONMENT", Type: "string", JSONPath: ".spec.environment"},
		{Name: "REGION", Type: "string", JSONPath: ".spec.region"},
		{Name: "VPC", Type: "string", JSONPath: ".status.network.vpcId", Priority: 1},
	}
	return &Definition{
		APIVersion: "apiextensions.crossplane.io/v1",
		Kind:       "CompositeResourceDefinition",
		Metadata:   metav1.ObjectMeta{Name: DefinitionName},
		Spec: DefinitionSpec{
			Group: v1alpha1.Group,
			Names: extv1.CustomResourceDefinitionNames{
				Kind: v1alpha1.CompositeKind, Plural: CompositePlural,
				ShortNames: []string{"xpnp"}, Categories: []string{"crossplane", "paynext"},
			},
			ClaimNames: &extv1.CustomResourceDefinitionNames{
				Kind: v1alpha1.ClaimKind, Plural: ClaimPlural,
				ShortNames: []string{"pnp"}, Categories: []string{"crossplane", "paynext"},
			},
			// What the claim's connection secret carries: how to reach the
			// database (never its password) and the cluster.
			ConnectionSecretKeys: []string{
				"endpoint", "readerEndpoint", "proxyEndpoint", "port", "database", "masterSecretArn",
				"clusterEndpoint", "clusterCA",
			},
			DefaultCompositionRef: &NameRef{Name: DefinitionName},
			Versions: []DefinitionVersion{{
				Name: v1alpha1.Version, Served: true, Referenceable: true,
				Schema: DefinitionSchema{OpenAPIV3Schema: extv1.JSONSchemaProps{
					Type:        "object",
					Description: generated.Description,
					Required:    []string{"spec"},
					Properties:  map[string]extv1.JSONSchemaProps{"spec": spec, "status": status},
				}},
				AdditionalPrinterColumns: columns,
			}},
		},
	}, nil
}
