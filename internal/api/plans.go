package api

import (
	"sync"

	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

// maxCachedPlans bounds the parsed-query cache; it is emptied when full.
const maxCachedPlans = 4096

// plans caches parsed queries by endpoint view and text: dashboards and
// clients repeat the same queries, and parsing is a good part of a small
// query's cost. Parsed queries are never modified, so they can be shared.
// It is safe for concurrent use.
type plans struct {
	mu sync.RWMutex
	m  map[planKey]*query.Query
}

type planKey struct {
	view *schema.Endpoint
	text string
}

// parse returns the parsed query for text as view may name it.
func (p *plans) parse(text []byte, view *schema.Endpoint, lim query.Limits) (*query.Query, error) {
	key := planKey{view, string(text)}
	p.mu.RLock()
	q, ok := p.m[key]
	p.mu.RUnlock()
	if ok {
		return q, nil
	}
	q, err := query.Parse(text, view, lim)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.m == nil || len(p.m) >= maxCachedPlans {
		p.m = make(map[planKey]*query.Query)
	}
	p.m[key] = q
	p.mu.Unlock()
	return q, nil
}
