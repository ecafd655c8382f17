package measure

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/client-go/tools/cache"
)

// objectHandler receives every state of the watched objects in order: obj is
// nil when the object was deleted.
type objectHandler func(key string, obj any)

// runInformer runs inf with h until the returned stop is called or ctx ends,
// and returns once h has seen the initial list. Handlers get the event
// objects themselves (not a re-read of the cache), so no intermediate state
// is skipped.
func runInformer(ctx context.Context, inf cache.SharedIndexInformer, what string, h objectHandler) (stop func(), err error) {
	key := func(obj any) string {
		k, _ := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
		return k
	}
	reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { h(key(obj), obj) },
		UpdateFunc: func(_, obj any) { h(key(obj), obj) },
		DeleteFunc: func(obj any) { h(key(obj), nil) },
	})
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", what, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		inf.RunWithContext(ctx)
	}()
	stop = func() { cancel(); <-done }
	if !cache.WaitForCacheSync(ctx.Done(), reg.HasSynced) {
		stop()
		return nil, fmt.Errorf("watch %s: cache did not sync: %w", what, context.Cause(ctx))
	}
	return stop, nil
}

// stopper holds the stop function of a running watch.
type stopper struct {
	mu   sync.Mutex
	stop func()
}

func (s *stopper) set(stop func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop = stop
}

// Stop ends the watch.
func (s *stopper) Stop() {
	s.mu.Lock()
	stop := s.stop
	s.stop = nil
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// now is the watchers' clock.
var now = time.Now
