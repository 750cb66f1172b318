package compliance

import (
	"sync"

	"github.com/paynext/platform/internal/iampolicy"
)

// maxCachedPolicies bounds a PolicyCache: past it the cache starts over
// (a platform renders about forty documents, which change only on edits).
const maxCachedPolicies = 20000

// PolicyCache keeps parsed policy documents by their text, so that the
// function's calls for the same platforms parse each document once. Safe
// for concurrent use; parsed policies are only read.
type PolicyCache struct {
	mu sync.RWMutex
	m  map[string]parsedPolicy
}

type parsedPolicy struct {
	p   *iampolicy.Policy
	err error
}

// Parse is iampolicy.Parse, remembered.
func (c *PolicyCache) Parse(doc string) (*iampolicy.Policy, error) {
	c.mu.RLock()
	got, ok := c.m[doc]
	c.mu.RUnlock()
	if ok {
		return got.p, got.err
	}
	p, err := iampolicy.Parse(doc)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedPolicies {
		c.m = map[string]parsedPolicy{}
	}
	c.m[doc] = parsedPolicy{p, err}
	c.mu.Unlock()
	return p, err
}
