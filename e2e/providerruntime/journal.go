package providerruntime

import "github.com/paynext/platform/e2e/fakeprovider"

// The journal of external operations is the one the suite's scenarios read,
// shared with e2e/fakeprovider while the suite still runs that provider.
type (
	Journal   = fakeprovider.Journal
	Event     = fakeprovider.Event
	Operation = fakeprovider.Operation
)

// The operations a provider performs on external resources.
const (
	Create = fakeprovider.Create
	Update = fakeprovider.Update
	Delete = fakeprovider.Delete
)
