package storage

import (
	"container/list"
	"net/http"
	"sync"
	"time"
)

// cacheEntry is one cached object response.
type cacheEntry struct {
	key    string // bucket/key
	header http.Header
	body   []byte
	etag   string // as sent by the backend, quotes included
	// headOnly entries came from a HEAD: they answer HEADs, not GETs.
	headOnly bool
	// validated is when the backend last confirmed the entry.
	validated time.Time
}

func (e *cacheEntry) size() int64 { return int64(len(e.body) + len(e.key) + 256) }

// lru is a byte-bounded least-recently-used map. Safe for concurrent use.
type lru struct {
	mu      sync.Mutex
	max     int64
	bytes   int64
	order   *list.List // front: most recent
	items   map[string]*list.Element
	onEvict func()
}

func newLRU(maxBytes int64, onEvict func()) *lru {
	return &lru{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, onEvict: onEvict}
}

// get returns the entry for key (and marks it recently used).
func (c *lru) get(key string) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry), true
}

// add stores e, replacing what key held, unless e alone exceeds the bound;
// it evicts the least recently used entries to stay within the bound.
func (c *lru) add(e *cacheEntry) bool {
	if e.size() > c.max {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(e.key)
	c.items[e.key] = c.order.PushFront(e)
	c.bytes += e.size()
	for c.bytes > c.max {
		last := c.order.Back()
		c.removeLocked(last.Value.(*cacheEntry).key)
		if c.onEvict != nil {
			c.onEvict()
		}
	}
	return true
}

// touch marks the entry for key validated at t (when it still holds etag).
func (c *lru) touch(key, etag string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok && el.Value.(*cacheEntry).etag == etag {
		e := *el.Value.(*cacheEntry)
		e.validated = t
		el.Value = &e
	}
}

// remove drops key; removePrefix drops every key with the prefix.
func (c *lru) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(key)
}

func (c *lru) removePrefix(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.items {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			c.removeLocked(k)
		}
	}
}

func (c *lru) removeLocked(key string) {
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
		c.bytes -= el.Value.(*cacheEntry).size()
	}
}

// stats returns the number of entries and their bytes.
func (c *lru) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}
