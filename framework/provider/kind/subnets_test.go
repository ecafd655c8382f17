package kind

import (
	"context"
	"testing"
)

func TestSubnetAllocationIsDistinctAndReleased(t *testing.T) {
	p := testProvider(t)
	ctx := context.Background()
	a, err := p.allocateSubnets(ctx, "gdk-a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.allocateSubnets(ctx, "gdk-b")
	if err != nil {
		t.Fatal(err)
	}
	if a.Pods == b.Pods || a.Service == b.Service {
		t.Fatalf("two clusters share ranges: %+v %+v", a, b)
	}
	again, err := p.allocateSubnets(ctx, "gdk-a")
	if err != nil || again != a {
		t.Fatalf("re-allocating gdk-a gave %+v, %v; want its own %+v", again, err, a)
	}
	if err := p.releaseSubnets("gdk-a"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := p.findSubnets("gdk-a"); found {
		t.Fatal("gdk-a still holds subnets after release")
	}
	c, err := p.allocateSubnets(ctx, "gdk-c")
	if err != nil || c != a {
		t.Errorf("after the release gdk-c got %+v, %v; want the freed %+v", c, err, a)
	}
	if err := p.releaseSubnets("gdk-never"); err != nil {
		t.Errorf("releasing nothing: %v", err)
	}
}
