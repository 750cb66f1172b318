package compliance

import "slices"

// catalogue is every control, in report order: storage, data stores and
// keys, logging and detection, network, Kubernetes, identity.
var catalogue = slices.Concat(s3Controls, databaseControls, keyControls, loggingControls, networkControls, kubernetesControls, iamControls)
